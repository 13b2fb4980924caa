// Asio, Asio.SSL and Beast compiled once for the whole program (separate compilation), so no
// other translation unit instantiates their non-template internals. See BOOST_*_SEPARATE_COMPILATION
// in adapters/CMakeLists.txt.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
