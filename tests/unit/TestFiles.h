//===- TestFiles.h - Files for the runtime's unit tests ---------*- C++ -*-===//

#ifndef DLC_TESTS_UNIT_TESTFILES_H
#define DLC_TESTS_UNIT_TESTFILES_H

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>

namespace dlc_test {

/// A path in the test's temporary folder, unique to this process.
inline std::string temp(const std::string &name) {
  return ::testing::TempDir() + "dlrt_" + std::to_string(getpid()) + "_" + name;
}

inline std::string slurp(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void spit(const std::string &path, const std::string &bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

} // namespace dlc_test

#endif // DLC_TESTS_UNIT_TESTFILES_H
