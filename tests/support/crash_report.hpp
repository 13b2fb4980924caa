#pragma once
// A test process that crashes says where. Boost.Test's own handling of fatal signals (on by
// default) jumps back into the test runner from whichever thread faulted: for a crash in one of
// an in-process gateway's threads that leaves two threads on the runner's stack, and the process
// hung until ctest's timeout with nothing but "SIGSEGV" to show (seen once in CI). The test
// binaries run with --catch_system_errors=no and call this instead: a fatal signal prints the
// faulting thread's stack (this binary's frames named by addr2line) and the process dies of
// that signal.
// Under the sanitizers it does nothing: their own reports are better.
namespace switchboard::testing {

// Installs the handlers, and ignores SIGPIPE as the gateway's main does (the in-process gateways
// write to sockets their peers may have closed).
void report_crashes();

} // namespace switchboard::testing
