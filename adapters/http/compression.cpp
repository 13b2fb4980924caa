// gzip for whole responses through zlib (compression.hpp).
#include "adapters/http/compression.hpp"

#include "domain/ascii.hpp"
#include "domain/http/accept_encoding.hpp"

#include <zlib.h>

#include <optional>
#include <string>

namespace switchboard::adapters {
namespace {
bool text_like(std::string_view content_type) {
    auto const media = domain::media_type(content_type);
    return media.starts_with("text/") || media == "application/json" || media.ends_with("+json") ||
           media == "application/javascript" || media == "image/svg+xml";
}

// `body` as one gzip member, or nullopt when zlib fails or it would not be smaller.
std::optional<std::string> gzipped(std::string_view body, int level) {
    z_stream z{};
    if (deflateInit2(&z, level, Z_DEFLATED, 15 + 16 /* gzip wrapper */, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return std::nullopt;
    std::string out(deflateBound(&z, body.size()), '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(body.data()));
    z.avail_in = static_cast<uInt>(body.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    int const rc = deflate(&z, Z_FINISH);
    out.resize(z.total_out);
    deflateEnd(&z);
    if (rc != Z_STREAM_END || out.size() >= body.size()) return std::nullopt;
    return out;
}

void add_vary(http_response& res) {
    auto const vary = res[http::field::vary];
    if (vary.empty()) return res.set(http::field::vary, "Accept-Encoding");
    if (domain::ascii_lowered(vary).find("accept-encoding") == std::string::npos)
        res.set(http::field::vary, std::string(vary) + ", Accept-Encoding");
}
} // namespace

void compress_response(http_request const& req, http_response& res, compression_options const& o) {
    if (o.min_bytes == 0 || !text_like(res[http::field::content_type])) return;
    add_vary(res);
    auto const status = res.result_int();
    if (res.body().size() < o.min_bytes || status < 200 || status == 204 || status == 304 ||
        !res[http::field::content_encoding].empty() || !domain::accepts_gzip(req[http::field::accept_encoding]))
        return;
    auto body = gzipped(res.body(), o.level);
    if (!body) return;
    res.body() = std::move(*body);
    res.set(http::field::content_encoding, "gzip");
    res.content_length(res.body().size());
    if (auto const etag = res[http::field::etag]; etag.starts_with('"')) res.set(http::field::etag, "W/" + std::string(etag));
}

} // namespace switchboard::adapters
