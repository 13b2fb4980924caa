#pragma once
// Files compiled into the binary at build time (cmake/embed_files.cmake): the dashboard's page,
// script and style, and Chart.js from Debian's libjs-chart.js.
#include <span>
#include <string_view>

namespace switchboard::adapters {

struct embedded_file {
    std::string_view name; // as the URL names it ("index.html", "chart.js")
    std::string_view bytes;
};

std::span<embedded_file const> dashboard_files();

} // namespace switchboard::adapters
