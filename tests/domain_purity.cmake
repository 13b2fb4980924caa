# Fails when domain/ reaches for I/O: Asio, Beast, hiredis, sockets, threads, or reads a clock or
# randomness of its own. The link graph keeps domain from linking them; this keeps it from
# including their headers too. Run by CTest: cmake -DSOURCE_DIR=... -P domain_purity.cmake
file(GLOB_RECURSE sources "${SOURCE_DIR}/domain/*.hpp" "${SOURCE_DIR}/domain/*.cpp")
set(problems "")
foreach(file IN LISTS sources)
  file(STRINGS "${file}" lines)
  foreach(line IN LISTS lines)
    if(line MATCHES "#include *[<\"](boost/(asio|beast)|hiredis|sys/socket|thread|random|fstream|iostream)"
       OR line MATCHES "(system_clock|steady_clock|high_resolution_clock)::now|sleep_for|random_device|std::rand\\(")
      string(APPEND problems "\n  ${file}: ${line}")
    endif()
  endforeach()
endforeach()
if(problems)
  message(FATAL_ERROR "domain/ must stay pure:${problems}")
endif()
list(LENGTH sources checked)
message(STATUS "domain/ is pure (${checked} files checked)")
