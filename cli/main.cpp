// liveharness — one binary, one subcommand per job (docs: README.md).
#include "commands.hpp"

#include <cstdio>
#include <string_view>

namespace {

void usage(std::FILE* out) {
  std::fputs(
      "usage: liveharness <command> [options]\n"
      "\n"
      "commands:\n"
      "  merge    apply a join reply's rendered tree and its diffs as a chosen official\n"
      "           client would, printing the container's HTML after each step\n"
      "  simulate run a DOM-level scenario with the client simulator against a scripted\n"
      "           server, printing the page and the frames sent after each step\n"
      "\n"
      "Run 'liveharness <command> --help' for a command's options.\n",
      out);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    usage(stderr);
    return 2;
  }
  std::string_view cmd = argv[1];
  if (cmd == "-h" || cmd == "--help" || cmd == "help") {
    usage(stdout);
    return 0;
  }
  if (cmd == "merge") return lvh::cli::merge_command(argc - 1, argv + 1);
  if (cmd == "simulate") return lvh::cli::simulate_command(argc - 1, argv + 1);
  std::fprintf(stderr, "liveharness: unknown command '%.*s'\n\n", static_cast<int>(cmd.size()),
               cmd.data());
  usage(stderr);
  return 2;
}
