// A Redis Cluster of child redis-servers, formed with redis-cli.
#include "tests/support/redis_cluster_servers.hpp"

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <thread>

namespace switchboard::testing {
namespace {
bool cluster_ok(redis_server const& node) {
    auto info = node.command({"CLUSTER", "INFO"});
    return info.ok && info.text.find("cluster_state:ok") != std::string::npos;
}
} // namespace

redis_cluster_servers::redis_cluster_servers(std::size_t size) {
    char pattern[] = "/tmp/switchboard-cluster-XXXXXX";
    if (!mkdtemp(pattern)) throw std::runtime_error("cannot make a directory for the cluster");
    dir_ = pattern;
    std::string create = "redis-cli --cluster create";
    for (std::size_t i = 0; i < size; ++i) {
        auto const conf = dir_ + "/nodes-" + std::to_string(i) + ".conf";
        nodes_.push_back(std::make_unique<redis_server>(std::vector<std::string>{
            "--cluster-enabled", "yes", "--cluster-config-file", conf, "--cluster-node-timeout", "5000", "--dir", dir_}));
        create += " 127.0.0.1:" + std::to_string(nodes_.back()->port());
    }
    create += " --cluster-replicas 0 --cluster-yes > " + dir_ + "/create.log 2>&1";
    if (std::system(create.c_str()) != 0) throw std::runtime_error("redis-cli --cluster create failed: see " + dir_);
    auto const give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    for (auto const& n : nodes_)
        while (!cluster_ok(*n)) {
            if (std::chrono::steady_clock::now() > give_up) throw std::runtime_error("the cluster did not form in 20 s");
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
}

redis_cluster_servers::~redis_cluster_servers() {
    nodes_.clear();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
}

std::uint16_t redis_cluster_servers::slot_of(std::string const& key) const {
    return static_cast<std::uint16_t>(nodes_.front()->command({"CLUSTER", "KEYSLOT", key}).integer);
}

std::string redis_cluster_servers::id_of(std::size_t node) const {
    return nodes_.at(node)->command({"CLUSTER", "MYID"}).text;
}

std::size_t redis_cluster_servers::node_of_slot(std::uint16_t slot) const {
    // CLUSTER NODES: one line per node, its slots from the ninth field on.
    auto const nodes = nodes_.front()->command({"CLUSTER", "NODES"}).text;
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
        auto const id = id_of(i);
        auto const at = nodes.find(id);
        if (at == std::string::npos) continue;
        auto const end = nodes.find('\n', at);
        auto line = nodes.substr(at, end - at);
        // Fields 9 and on: "a-b" ranges, single slots, or "[slot->-id]" migrations.
        std::size_t field = 0, pos = 0;
        while (pos <= line.size()) {
            auto const next = line.find(' ', pos);
            auto const word = line.substr(pos, next == std::string::npos ? std::string::npos : next - pos);
            if (++field >= 9 && !word.empty() && word[0] != '[') {
                auto const dash = word.find('-');
                auto const first = std::stoul(word.substr(0, dash));
                auto const last = dash == std::string::npos ? first : std::stoul(word.substr(dash + 1));
                if (slot >= first && slot <= last) return i;
            }
            if (next == std::string::npos) break;
            pos = next + 1;
        }
    }
    throw std::runtime_error("no node serves slot " + std::to_string(slot));
}

void redis_cluster_servers::start_moving(std::uint16_t slot, std::size_t to) {
    auto const from = node_of_slot(slot);
    auto const s = std::to_string(slot);
    nodes_.at(to)->command({"CLUSTER", "SETSLOT", s, "IMPORTING", id_of(from)});
    nodes_.at(from)->command({"CLUSTER", "SETSLOT", s, "MIGRATING", id_of(to)});
}

void redis_cluster_servers::move_slot(std::uint16_t slot, std::size_t to) {
    auto const from = node_of_slot(slot);
    if (from == to) return;
    start_moving(slot, to);
    auto const s = std::to_string(slot);
    for (;;) {
        auto keys = nodes_.at(from)->command({"CLUSTER", "GETKEYSINSLOT", s, "100"}).elements;
        if (keys.empty()) break;
        std::vector<std::string> migrate{"MIGRATE", "127.0.0.1", std::to_string(nodes_.at(to)->port()), "", "0", "5000",
                                         "KEYS"};
        migrate.insert(migrate.end(), keys.begin(), keys.end());
        if (!nodes_.at(from)->command(migrate).ok) throw std::runtime_error("MIGRATE failed");
    }
    auto const owner = id_of(to);
    for (auto const& n : nodes_) n->command({"CLUSTER", "SETSLOT", s, "NODE", owner});
}

} // namespace switchboard::testing
