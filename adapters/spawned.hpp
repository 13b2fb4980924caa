#pragma once
// The completion handler of a task spawned in the background (co_spawn): a task that ends by
// an exception is logged (`task_failed`, with the task's name), never lost silently as with
// `detached`. The task's state is kept alive by its owner (a shared_ptr it captures).
#include "adapters/observability/log.hpp"

#include <exception>
#include <string_view>

namespace switchboard::adapters {

inline auto logged(std::string_view task) {
    return [task](std::exception_ptr failure) {
        if (!failure) return;
        try {
            std::rethrow_exception(failure);
        } catch (std::exception const& e) {
            log_event(log_level::error, "task_failed", {{"task", task}, {"error", e.what()}});
        } catch (...) {
            log_event(log_level::error, "task_failed", {{"task", task}, {"error", "unknown exception"}});
        }
    };
}

} // namespace switchboard::adapters
