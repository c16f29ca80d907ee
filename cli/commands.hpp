// Subcommands of the liveharness binary. Each takes (argc, argv) with argv[0] = its name and
// returns the process exit status: 0 success, 1 the job found a problem, 2 bad usage.
#pragma once

namespace lvh::cli {

int merge_command(int argc, char** argv);
int simulate_command(int argc, char** argv);

}  // namespace lvh::cli
