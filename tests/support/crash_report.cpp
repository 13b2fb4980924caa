// Fatal signals print a stack (crash_report.hpp).
#include "tests/support/crash_report.hpp"

#include "tests/support/build_kind.hpp"

#include <csignal>
#include <cstdio>
#include <cstring>
#include <dlfcn.h>
#include <execinfo.h>
#include <string>
#include <sys/syscall.h>
#include <unistd.h>

namespace switchboard::testing {
namespace {

void say(std::string const& text) {
    auto const* p = text.data();
    auto left = text.size();
    while (left > 0) {
        auto const n = ::write(STDERR_FILENO, p, left);
        if (n <= 0) return;
        p += n;
        left -= static_cast<std::size_t>(n);
    }
}

// The stack as module+offset lines, then this binary's frames named by addr2line (the
// executable is position-independent: addr2line wants offsets, not addresses).
std::string stack_of_this_thread() {
    void* frames[64];
    int const n = ::backtrace(frames, 64);
    Dl_info self{};
    ::dladdr(reinterpret_cast<void*>(&stack_of_this_thread), &self);
    std::string out, offsets;
    for (int i = 0; i < n; ++i) {
        Dl_info info{};
        char line[512];
        if (::dladdr(frames[i], &info) && info.dli_fname) {
            auto const offset = static_cast<char*>(frames[i]) - static_cast<char*>(info.dli_fbase);
            std::snprintf(line, sizeof line, "  #%d %s+0x%tx %s\n", i, info.dli_fname, offset,
                          info.dli_sname ? info.dli_sname : "");
            if (info.dli_fbase == self.dli_fbase && offset > 0) { // the call, not the return address
                char hex[32];
                std::snprintf(hex, sizeof hex, " 0x%tx", offset - 1);
                offsets += hex;
            }
        } else {
            std::snprintf(line, sizeof line, "  #%d %p\n", i, frames[i]);
        }
        out += line;
    }
    if (offsets.empty()) return out;
    char exe[4096];
    auto const length = ::readlink("/proc/self/exe", exe, sizeof exe - 1); // (in addr2line, "self" is addr2line)
    if (length <= 0) return out;
    exe[length] = '\0';
    out += "  this binary's frames:\n";
    if (FILE* names = ::popen(("addr2line -f -C -p -e '" + std::string(exe) + "'" + offsets).c_str(), "r")) {
        char buf[4096];
        while (auto const got = std::fread(buf, 1, sizeof buf, names)) out.append(buf, got);
        ::pclose(names);
    }
    return out;
}

// Not async-signal-safe (it allocates and runs addr2line): the process is dying anyway, and a
// stack is worth the risk. SA_RESETHAND: a second fault, here or in another thread, kills at once.
void on_fatal_signal(int signal) {
    say("\n*** fatal signal " + std::to_string(signal) + " (" + strsignal(signal) + ") in thread " +
        std::to_string(::syscall(SYS_gettid)) + "; its stack:\n");
    say(stack_of_this_thread());
    std::signal(signal, SIG_DFL);
    std::raise(signal);
}

} // namespace

void report_crashes() {
    std::signal(SIGPIPE, SIG_IGN);
    if constexpr (sanitized_build) return;
    struct sigaction action {};
    action.sa_handler = on_fatal_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESETHAND;
    for (int signal : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) sigaction(signal, &action, nullptr);
}

} // namespace switchboard::testing
