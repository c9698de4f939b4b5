//===- Npy.cpp - numpy's .npy and .npz files ------------------------------===//
//
// .npy: magic "\x93NUMPY", version, header length, a Python dict literal
// {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), } padded to 64
// bytes, then the data. .npz: a zip archive of .npy files, stored (np.savez)
// or deflated (np.savez_compressed). Every length is checked.
//
//===----------------------------------------------------------------------===//

#include "Error.h"

#include <zlib.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <regex>

using namespace dlrt;

namespace {

uint64_t readLE(const std::string &b, size_t at, int bytes) {
  uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i)
    v = (v << 8) | uint8_t(b[at + i]);
  return v;
}

void writeLE(std::string &b, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i)
    b.push_back(char((v >> (8 * i)) & 0xff));
}

void freeArray(dlrt_array &a) {
  std::free(a.name);
  std::free(a.data);
  a.name = nullptr;
  a.data = nullptr;
}

/// Parses one .npy image into `out` (converting to f32 or i32).
dlrt_status parseNpy(const std::string &where, const std::string &b,
                     dlrt_array &out) {
  auto bad = [&](const std::string &why) {
    return fail(DLRT_ERROR_FORMAT, "'{}' is not a valid .npy array: {}", where,
                why);
  };
  if (b.size() < 10 || b.compare(0, 6, "\x93NUMPY") != 0)
    return bad("no NUMPY magic");
  int major = uint8_t(b[6]);
  size_t lengthBytes = major == 1 ? 2 : 4;
  if (major < 1 || major > 3 || b.size() < 8 + lengthBytes)
    return bad("unknown version " + std::to_string(major));
  size_t headerLength = readLE(b, 8, lengthBytes);
  size_t dataStart = 8 + lengthBytes + headerLength;
  if (dataStart > b.size())
    return bad("the header runs past the end (truncated?)");
  std::string header = b.substr(8 + lengthBytes, headerLength);
  std::smatch m;
  static const std::regex descr("'descr'\\s*:\\s*'([<>|=])([fiu])([1248])'");
  static const std::regex order("'fortran_order'\\s*:\\s*(True|False)");
  static const std::regex shape("'shape'\\s*:\\s*\\(([0-9,\\s]*)\\)");
  if (!std::regex_search(header, m, descr))
    return bad("unsupported element type in header " + header);
  char endian = m[1].str()[0], kind = m[2].str()[0];
  int size = std::stoi(m[3].str());
  if (endian == '>' && size > 1)
    return bad("big-endian data");
  std::smatch o;
  if (std::regex_search(header, o, order) && o[1] == "True")
    return bad("Fortran-ordered data (save it with np.ascontiguousarray)");
  std::smatch s;
  if (!std::regex_search(header, s, shape))
    return bad("no shape in header");
  out.rank = 0;
  int64_t count = 1;
  std::string dims = s[1].str();
  for (size_t at = 0; at < dims.size();) {
    size_t next = dims.find(',', at);
    std::string token = dims.substr(at, next == std::string::npos ? next : next - at);
    at = next == std::string::npos ? dims.size() : next + 1;
    if (token.find_first_not_of(" \t") == std::string::npos)
      continue;
    if (out.rank == 8)
      return bad("more than 8 dimensions");
    int64_t d = std::strtoll(token.c_str(), nullptr, 10);
    if (d < 0 || (d && count > (int64_t(1) << 40) / d))
      return bad("shape too large");
    out.shape[out.rank++] = d;
    count *= d;
  }
  if (uint64_t(count) * size > b.size() - dataStart)
    return bad("the data is shorter than its shape needs (truncated?)");
  bool isFloat = kind == 'f';
  if (isFloat && size != 4 && size != 8)
    return bad("unsupported float size");
  out.dtype = isFloat ? DLC_F32 : DLC_I32;
  out.data = std::malloc(std::max<int64_t>(count, 1) * 4);
  if (!out.data)
    return fail(DLRT_ERROR_IO, "out of memory reading '{}'", where);
  const char *src = b.data() + dataStart;
  for (int64_t i = 0; i < count; ++i) {
    const char *p = src + i * size;
    if (isFloat) {
      float v;
      if (size == 4)
        std::memcpy(&v, p, 4);
      else {
        double dv;
        std::memcpy(&dv, p, 8);
        v = float(dv);
      }
      static_cast<float *>(out.data)[i] = v;
    } else {
      int64_t v = kind == 'u' ? int64_t(readLE(b, dataStart + i * size, size))
                              : int64_t(readLE(b, dataStart + i * size, size)
                                        << (64 - 8 * size)) >> (64 - 8 * size);
      if (v < INT32_MIN || v > INT32_MAX) {
        freeArray(out);
        return bad("an integer does not fit in 32 bits");
      }
      static_cast<int32_t *>(out.data)[i] = int32_t(v);
    }
  }
  return ok();
}

std::string npyImage(const dlrt_array &a) {
  std::string shape;
  for (int32_t i = 0; i < a.rank; ++i)
    shape += std::to_string(a.shape[i]) + (a.rank == 1 || i + 1 < a.rank ? "," : "");
  std::string header = std::string("{'descr': '") +
                       (a.dtype == DLC_I32 ? "<i4" : "<f4") +
                       "', 'fortran_order': False, 'shape': (" + shape + "), }";
  header.append(63 - (10 + header.size()) % 64, ' ');
  header.push_back('\n');
  std::string b = "\x93NUMPY\x01";
  b.push_back('\0');
  writeLE(b, header.size(), 2);
  b += header;
  int64_t count = 1;
  for (int32_t i = 0; i < a.rank; ++i)
    count *= a.shape[i];
  b.append(static_cast<const char *>(a.data), count * 4);
  return b;
}

} // namespace

extern "C" dlrt_status dlrt_npy_read(const char *path, dlrt_array **out) {
  return dlrt::guarded("dlrt_npy_read", [&]() -> dlrt_status {
    if (!path || !out)
      return fail(DLRT_ERROR_ARGUMENT, "dlrt_npy_read: path and out are required");
    *out = nullptr;
    std::string bytes;
    if (dlrt_status s = readFile(path, bytes))
      return s;
    auto *a = static_cast<dlrt_array *>(std::calloc(1, sizeof(dlrt_array)));
    if (dlrt_status s = parseNpy(path, bytes, *a)) {
      std::free(a);
      return s;
    }
    std::string stem = path;
    stem = stem.substr(stem.find_last_of('/') + 1);
    a->name = strdup(stem.substr(0, stem.rfind(".npy")).c_str());
    *out = a;
    return ok();
  });
}

extern "C" dlrt_status dlrt_npz_read(const char *path, dlrt_array **out,
                                     size_t *count) {
  return dlrt::guarded("dlrt_npz_read", [&]() -> dlrt_status {
    if (!path || !out || !count)
      return fail(DLRT_ERROR_ARGUMENT, "dlrt_npz_read: NULL argument");
    *out = nullptr;
    *count = 0;
    std::string b;
    if (dlrt_status s = readFile(path, b))
      return s;
    auto bad = [&](const std::string &why) {
      return fail(DLRT_ERROR_FORMAT, "'{}' is not a valid .npz archive: {}", path,
                  why);
    };
    // The end-of-central-directory record is in the last 64 KiB + 22 bytes.
    size_t eocd = std::string::npos;
    for (size_t i = b.size() >= 22 ? b.size() - 22 : 0;
         b.size() >= 22 && i + 65557 >= b.size(); --i) {
      if (readLE(b, i, 4) == 0x06054b50) {
        eocd = i;
        break;
      }
      if (i == 0)
        break;
    }
    if (eocd == std::string::npos)
      return bad("no zip directory (truncated?)");
    uint64_t entries = readLE(b, eocd + 10, 2), dirSize = readLE(b, eocd + 12, 4),
             dirOffset = readLE(b, eocd + 16, 4);
    if (dirOffset > b.size() || dirSize > b.size() - dirOffset)
      return bad("the zip directory lies outside the file");
    std::vector<dlrt_array> arrays;
    auto cleanup = [&](dlrt_status s) {
      for (dlrt_array &a : arrays)
        freeArray(a);
      return s;
    };
    for (uint64_t e = 0, at = dirOffset; e < entries; ++e) {
      if (at + 46 > b.size() || readLE(b, at, 4) != 0x02014b50)
        return cleanup(bad("malformed zip directory entry"));
      uint64_t method = readLE(b, at + 10, 2), packed = readLE(b, at + 20, 4),
               size = readLE(b, at + 24, 4), nameLength = readLE(b, at + 28, 2),
               extra = readLE(b, at + 30, 2), comment = readLE(b, at + 32, 2),
               local = readLE(b, at + 42, 4);
      if (at + 46 + nameLength > b.size())
        return cleanup(bad("malformed zip directory entry"));
      std::string name = b.substr(at + 46, nameLength);
      at += 46 + nameLength + extra + comment;
      if (packed == 0xffffffff || size == 0xffffffff || local == 0xffffffff)
        return cleanup(bad("zip64 entries (arrays over 4 GiB) are not supported"));
      if (local + 30 > b.size() || readLE(b, local, 4) != 0x04034b50)
        return cleanup(bad("malformed local header of '" + name + "'"));
      uint64_t start = local + 30 + readLE(b, local + 26, 2) + readLE(b, local + 28, 2);
      if (start > b.size() || packed > b.size() - start)
        return cleanup(bad("'" + name + "' runs past the end (truncated?)"));
      std::string image;
      if (method == 0) {
        image = b.substr(start, packed);
      } else if (method == 8) {
        image.resize(size);
        z_stream z{};
        z.next_in = reinterpret_cast<Bytef *>(&b[start]);
        z.avail_in = packed;
        z.next_out = reinterpret_cast<Bytef *>(image.data());
        z.avail_out = size;
        bool inflated = inflateInit2(&z, -MAX_WBITS) == Z_OK &&
                        inflate(&z, Z_FINISH) == Z_STREAM_END && z.total_out == size;
        inflateEnd(&z);
        if (!inflated)
          return cleanup(bad("'" + name + "' does not inflate"));
      } else {
        return cleanup(bad("'" + name + "' uses zip method " + std::to_string(method)));
      }
      dlrt_array a{};
      if (dlrt_status s = parseNpy(std::string(path) + ":" + name, image, a))
        return cleanup(s);
      if (name.size() > 4 && name.compare(name.size() - 4, 4, ".npy") == 0)
        name.resize(name.size() - 4);
      a.name = strdup(name.c_str());
      arrays.push_back(a);
    }
    *out = static_cast<dlrt_array *>(std::calloc(std::max<size_t>(arrays.size(), 1),
                                                 sizeof(dlrt_array)));
    std::copy(arrays.begin(), arrays.end(), *out);
    *count = arrays.size();
    return ok();
  });
}

extern "C" dlrt_status dlrt_npz_write(const char *path, const dlrt_array *arrays,
                                      size_t count) {
  return dlrt::guarded("dlrt_npz_write", [&]() -> dlrt_status {
    if (!path || (count && !arrays))
      return fail(DLRT_ERROR_ARGUMENT, "dlrt_npz_write: NULL argument");
    std::string zip, directory;
    for (size_t i = 0; i < count; ++i) {
      const dlrt_array &a = arrays[i];
      if (!a.name || !a.data || a.rank < 0 || a.rank > 8)
        return fail(DLRT_ERROR_ARGUMENT, "dlrt_npz_write: array {} is incomplete", i);
      std::string name = std::string(a.name) + ".npy", image = npyImage(a);
      uint32_t crc = crc32(0, reinterpret_cast<const Bytef *>(image.data()),
                           image.size());
      auto header = [&](bool central) {
        std::string h;
        writeLE(h, central ? 0x02014b50 : 0x04034b50, 4);
        if (central)
          writeLE(h, 20, 2); // made by
        writeLE(h, 20, 2);   // version needed
        writeLE(h, 0, 2);    // flags
        writeLE(h, 0, 2);    // stored
        writeLE(h, 0, 4);    // time, date
        writeLE(h, crc, 4);
        writeLE(h, image.size(), 4);
        writeLE(h, image.size(), 4);
        writeLE(h, name.size(), 2);
        writeLE(h, 0, 2); // extra
        if (central) {
          writeLE(h, 0, 2); // comment
          writeLE(h, 0, 4); // disk, internal attributes
          writeLE(h, 0, 4); // external attributes
          writeLE(h, zip.size(), 4);
        }
        return h + name;
      };
      directory += header(true);
      zip += header(false) + image;
    }
    uint64_t dirOffset = zip.size();
    zip += directory;
    writeLE(zip, 0x06054b50, 4);
    writeLE(zip, 0, 4);
    writeLE(zip, count, 2);
    writeLE(zip, count, 2);
    writeLE(zip, directory.size(), 4);
    writeLE(zip, dirOffset, 4);
    writeLE(zip, 0, 2);
    return writeFileAtomically(path, zip);
  });
}

extern "C" void dlrt_arrays_free(dlrt_array *arrays, size_t count) {
  if (!arrays)
    return;
  for (size_t i = 0; i < count; ++i)
    freeArray(arrays[i]);
  std::free(arrays);
}
