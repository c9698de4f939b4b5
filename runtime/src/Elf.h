//===- Elf.h - The exported symbols of a shared library ---------*- C++ -*-===//

#ifndef DLRT_SRC_ELF_H
#define DLRT_SRC_ELF_H

#include "dlrt/dlrt.h"

#include <string>
#include <vector>

namespace dlrt {

/// The defined functions that the ELF file `bytes` exports (its .dynsym)
/// and whose names start with `prefix`. Fails on anything but a well-formed
/// 64-bit little-endian shared library for this processor whose loadable
/// segments lie within the file.
dlrt_status exportedFunctions(const std::string &path, const std::string &bytes,
                              const std::string &prefix,
                              std::vector<std::string> &names);

} // namespace dlrt

#endif // DLRT_SRC_ELF_H
