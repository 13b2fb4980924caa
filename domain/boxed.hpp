#pragma once
// An optional value kept on the heap: one pointer while it is absent. For rare values in a state
// that lives long — a call's errors, held by every open stream's call machine for the stream's
// whole life, where a std::optional would hold their full size (~100 bytes each) all along to be
// set only when an attempt fails. Reads like std::optional (bool, has_value, *, ->, emplace);
// copies deep; a moved-from box is empty.
#include <memory>
#include <utility>

namespace switchboard::domain {

template <class T> class boxed {
  public:
    boxed() noexcept = default;
    boxed(T value) : value_(std::make_unique<T>(std::move(value))) {}
    boxed(boxed const& other) : value_(other ? std::make_unique<T>(*other) : nullptr) {}
    boxed(boxed&&) noexcept = default;
    boxed& operator=(boxed const& other) {
        if (this != &other) value_ = other ? std::make_unique<T>(*other) : nullptr;
        return *this;
    }
    boxed& operator=(boxed&&) noexcept = default;
    boxed& operator=(T value) {
        if (value_) *value_ = std::move(value);
        else value_ = std::make_unique<T>(std::move(value));
        return *this;
    }

    bool has_value() const noexcept { return value_ != nullptr; }
    explicit operator bool() const noexcept { return has_value(); }
    T& operator*() noexcept { return *value_; }
    T const& operator*() const noexcept { return *value_; }
    T* operator->() noexcept { return value_.get(); }
    T const* operator->() const noexcept { return value_.get(); }
    void reset() noexcept { value_.reset(); }
    template <class... Args> T& emplace(Args&&... args) {
        value_ = std::make_unique<T>(std::forward<Args>(args)...);
        return *value_;
    }

  private:
    std::unique_ptr<T> value_;
};

} // namespace switchboard::domain
