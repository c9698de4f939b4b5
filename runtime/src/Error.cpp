//===- Error.cpp - Last-error messages, status names, version, files -----===//

#include "Error.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace {
thread_local std::string lastError;
} // namespace

dlrt_status dlrt::fail(dlrt_status status, std::string message) {
  lastError = std::move(message);
  return status;
}

dlrt_status dlrt::ok() {
  lastError.clear();
  return DLRT_OK;
}

std::string dlrt::shapeString(const int64_t *shape, int32_t rank) {
  std::string s = "[";
  for (int32_t i = 0; i < rank; ++i) {
    if (i)
      s += ", ";
    s += shape[i] < 0 ? std::string("N") : std::to_string(shape[i]);
  }
  return s + "]";
}

dlrt_status dlrt::readFile(const std::string &path, std::string &bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return fail(DLRT_ERROR_IO, "cannot open '{}': {}", path, std::strerror(errno));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad())
    return fail(DLRT_ERROR_IO, "cannot read '{}'", path);
  bytes = buffer.str();
  return ok();
}

dlrt_status dlrt::writeFileAtomically(const std::string &path,
                                      const std::string &bytes) {
  std::string temporary = path + ".tmp." + std::to_string(getpid());
  FILE *f = std::fopen(temporary.c_str(), "wb");
  if (!f)
    return fail(DLRT_ERROR_IO, "cannot write '{}': {}", temporary,
                std::strerror(errno));
  bool written = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  written &= std::fflush(f) == 0 && fsync(fileno(f)) == 0;
  written &= std::fclose(f) == 0;
  if (!written || std::rename(temporary.c_str(), path.c_str()) != 0) {
    int error = errno;
    std::remove(temporary.c_str());
    return fail(DLRT_ERROR_IO, "cannot write '{}': {}", path,
                std::strerror(error));
  }
  return ok();
}

extern "C" const char *dlrt_last_error(void) { return lastError.c_str(); }

extern "C" const char *dlrt_status_name(dlrt_status status) {
  switch (status) {
  case DLRT_OK: return "ok";
  case DLRT_ERROR_IO: return "io error";
  case DLRT_ERROR_FORMAT: return "format error";
  case DLRT_ERROR_ABI: return "abi mismatch";
  case DLRT_ERROR_NAME: return "name error";
  case DLRT_ERROR_SHAPE: return "shape error";
  case DLRT_ERROR_DTYPE: return "dtype error";
  case DLRT_ERROR_ARGUMENT: return "invalid argument";
  case DLRT_ERROR_MODEL: return "model error";
  case DLRT_ERROR_MEMORY: return "out of memory";
  }
  return "unknown status";
}

extern "C" dlrt_version_info dlrt_version(void) {
  return {DLRT_VERSION_MAJOR, DLRT_VERSION_MINOR, DLRT_VERSION_PATCH,
          DLC_ABI_VERSION_MAJOR, DLC_ABI_VERSION_MINOR};
}
