#pragma once
// A chat.completion and the chunks of a stream, both ways: the whole answer built from a
// stream's chunks (a WebSocket's chat.complete, a streamed answer stored in the cache), and a
// stored answer replayed as chunks (a cache hit asked as a stream). Pure.
#include "domain/pricing.hpp"

#include <boost/json/object.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace switchboard::domain {

class completion_builder {
  public:
    void add(boost::json::object const& chunk);
    // The whole answer, created at `created` (Unix seconds).
    boost::json::object completion(token_usage const& usage, std::int64_t created) const;
    std::string const& finish_reason() const { return finish_; }

  private:
    void merge_call(boost::json::object const& part);

    std::string id_, model_, content_, finish_;
    std::map<std::int64_t, boost::json::object> calls_;
};

// The chunks that stream `completion` (its first choice): the role, the content in one chunk,
// the tool calls, the finish reason. The usage chunk is the door's to send, as for a live stream.
std::vector<boost::json::object> completion_chunks(boost::json::object const& completion, std::string const& id,
                                                   std::int64_t created);

} // namespace switchboard::domain
