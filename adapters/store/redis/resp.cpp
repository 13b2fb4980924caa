// hiredis glue.
#include "adapters/store/redis/resp.hpp"

#include <hiredis/hiredis.h>

#include <stdexcept>

namespace switchboard::adapters {
namespace {
// hiredis allocates an array's element pointers as soon as it reads the array's header: a reply
// claiming 354 million elements would take 2.8 GB before one byte of them arrived. Our replies
// are far smaller (the largest: a cache log or a semantic hash, tens of thousands); a larger
// count is refused as a protocol error, so at most depth × this many pointers are ever held.
constexpr long long max_reply_elements = 1 << 20;

template <class> struct array_count;
template <class R, class T, class N> struct array_count<R (*)(T, N)> {
    using type = N;
};
using array_count_t = array_count<decltype(redisReplyObjectFunctions::createArray)>::type;

redisReplyObjectFunctions const* hiredis_functions = nullptr;

void* bounded_array(redisReadTask const* task, array_count_t elements) {
    if (static_cast<long long>(elements) > max_reply_elements) return nullptr; // the reader reports an error
    return hiredis_functions->createArray(task, elements);
}

// hiredis's own reply functions with the array count bounded.
redisReplyObjectFunctions* bounded_functions() {
    static redisReplyObjectFunctions functions = [] {
        redisReader* probe = redisReaderCreate();
        if (!probe) throw std::bad_alloc();
        static redisReplyObjectFunctions const original = *probe->fn;
        redisReaderFree(probe);
        hiredis_functions = &original;
        auto f = original;
        f.createArray = &bounded_array;
        return f;
    }();
    return &functions;
}

redis_value convert(redisReply const* r) {
    redis_value v;
    switch (r->type) {
    case REDIS_REPLY_STRING:
        v.type = redis_value::kind::string;
        v.text.assign(r->str, r->len);
        break;
    case REDIS_REPLY_STATUS:
        v.type = redis_value::kind::status;
        v.text.assign(r->str, r->len);
        break;
    case REDIS_REPLY_ERROR:
        v.type = redis_value::kind::error;
        v.text.assign(r->str, r->len);
        break;
    case REDIS_REPLY_INTEGER:
        v.type = redis_value::kind::integer;
        v.integer = r->integer;
        break;
    case REDIS_REPLY_ARRAY:
        v.type = redis_value::kind::array;
        v.elements.reserve(r->elements);
        for (std::size_t i = 0; i < r->elements; ++i) v.elements.push_back(convert(r->element[i]));
        break;
    default:
        break; // nil
    }
    return v;
}
} // namespace

std::string format_command(std::vector<std::string> const& args) {
    std::vector<char const*> argv;
    std::vector<std::size_t> lengths;
    argv.reserve(args.size());
    lengths.reserve(args.size());
    for (auto const& a : args) {
        argv.push_back(a.data());
        lengths.push_back(a.size());
    }
    char* raw = nullptr;
    int const n = redisFormatCommandArgv(&raw, static_cast<int>(args.size()), argv.data(), lengths.data());
    if (n < 0 || raw == nullptr) throw std::bad_alloc();
    std::string out(raw, static_cast<std::size_t>(n));
    redisFreeCommand(raw);
    return out;
}

void resp_parser::reader_deleter::operator()(redisReader* r) const {
    redisReaderFree(r);
}

resp_parser::resp_parser() : reader_(redisReaderCreateWithFunctions(bounded_functions())) {
    if (!reader_) throw std::bad_alloc();
}

resp_parser::~resp_parser() = default;

void resp_parser::feed(std::string_view bytes) {
    if (redisReaderFeed(reader_.get(), bytes.data(), bytes.size()) != REDIS_OK)
        throw std::runtime_error("redis protocol error");
}

std::optional<redis_value> resp_parser::next() {
    void* reply = nullptr;
    if (redisReaderGetReply(reader_.get(), &reply) != REDIS_OK) throw std::runtime_error("redis protocol error");
    if (!reply) return std::nullopt;
    auto v = convert(static_cast<redisReply*>(reply));
    freeReplyObject(reply);
    return v;
}

} // namespace switchboard::adapters
