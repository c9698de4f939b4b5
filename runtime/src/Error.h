//===- Error.h - The runtime's last-error message ---------------*- C++ -*-===//

#ifndef DLRT_SRC_ERROR_H
#define DLRT_SRC_ERROR_H

#include "dlrt/dlrt.h"

#include <fmt/format.h>

#include <new>
#include <stdexcept>
#include <string>

namespace dlrt {

/// Records `message` as the thread's last error and returns `status`.
dlrt_status fail(dlrt_status status, std::string message);

template <typename... Args>
dlrt_status fail(dlrt_status status, fmt::format_string<Args...> format,
                 Args &&...args) {
  return fail(status, fmt::format(format, std::forward<Args>(args)...));
}

/// Runs `body`, turning any C++ exception into a status: no exception
/// crosses the C ABI.
template <typename Body>
dlrt_status guarded(const char *function, Body &&body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc &) {
    return fail(DLRT_ERROR_MEMORY, std::string(function) + ": out of memory");
  } catch (const std::exception &e) {
    return fail(DLRT_ERROR_MEMORY, std::string(function) + ": " + e.what());
  }
}

/// Clears the last error; returns DLRT_OK.
dlrt_status ok();

/// "[1, 3, 28, 28]", with N for the batch (-1).
std::string shapeString(const int64_t *shape, int32_t rank);

/// Writes `bytes` to `path` through a temporary file in the same folder,
/// renamed over `path` once complete: readers never see half a file.
dlrt_status writeFileAtomically(const std::string &path,
                                const std::string &bytes);

/// Reads a whole file.
dlrt_status readFile(const std::string &path, std::string &bytes);

} // namespace dlrt

#endif // DLRT_SRC_ERROR_H
