//===- Elf.cpp - The exported symbols of a shared library -----------------===//
//
// dlopen cannot list a library's symbols, so the runtime reads .dynsym to
// find the one `dlc_model_*` entry, and checks first what the dynamic
// loader will trust (type, machine, segments within the file). Every offset
// is checked against the file's size. A library is code: damage inside its
// segments can still break dlopen, and nothing short of not loading it
// can prevent that.
//
//===----------------------------------------------------------------------===//

#include "Elf.h"

#include "Error.h"

#include <cstring>
#include <elf.h>

dlrt_status dlrt::exportedFunctions(const std::string &path,
                                    const std::string &bytes,
                                    const std::string &prefix,
                                    std::vector<std::string> &names) {
  auto bad = [&](const char *why) {
    return fail(DLRT_ERROR_FORMAT, "'{}' is not a shared library dlc made: {}",
                path, why);
  };
  auto within = [&](uint64_t offset, uint64_t size) {
    return offset <= bytes.size() && size <= bytes.size() - offset;
  };
  Elf64_Ehdr header;
  if (!within(0, sizeof header))
    return bad("too short for an ELF header");
  std::memcpy(&header, bytes.data(), sizeof header);
  if (std::memcmp(header.e_ident, ELFMAG, SELFMAG) != 0)
    return bad("no ELF magic");
  if (header.e_ident[EI_CLASS] != ELFCLASS64 ||
      header.e_ident[EI_DATA] != ELFDATA2LSB)
    return bad("not a 64-bit little-endian ELF file");
  if (header.e_type != ET_DYN)
    return bad("not a shared library");
#if defined(__x86_64__)
  if (header.e_machine != EM_X86_64)
    return bad("built for another processor");
#elif defined(__aarch64__)
  if (header.e_machine != EM_AARCH64)
    return bad("built for another processor");
#endif
  // What the dynamic loader trusts: every segment it maps lies in the file
  // (a truncated library would otherwise fault inside dlopen).
  if (header.e_phentsize != sizeof(Elf64_Phdr) || header.e_phnum == 0 ||
      !within(header.e_phoff, uint64_t(header.e_phnum) * sizeof(Elf64_Phdr)))
    return bad("program headers out of bounds");
  for (uint64_t i = 0; i < header.e_phnum; ++i) {
    Elf64_Phdr segment;
    std::memcpy(&segment, bytes.data() + header.e_phoff + i * sizeof segment,
                sizeof segment);
    bool mapped = segment.p_type == PT_LOAD || segment.p_type == PT_DYNAMIC;
    if (mapped && (!within(segment.p_offset, segment.p_filesz) ||
                   segment.p_filesz > segment.p_memsz))
      return bad("a segment lies outside the file (truncated?)");
  }
  if (header.e_shentsize != sizeof(Elf64_Shdr) ||
      !within(header.e_shoff, uint64_t(header.e_shnum) * sizeof(Elf64_Shdr)))
    return bad("section headers out of bounds");
  auto section = [&](uint64_t i) {
    Elf64_Shdr s;
    std::memcpy(&s, bytes.data() + header.e_shoff + i * sizeof s, sizeof s);
    return s;
  };
  for (uint64_t i = 0; i < header.e_shnum; ++i) {
    Elf64_Shdr symbols = section(i);
    if (symbols.sh_type != SHT_DYNSYM)
      continue;
    if (symbols.sh_link >= header.e_shnum ||
        symbols.sh_entsize != sizeof(Elf64_Sym) ||
        !within(symbols.sh_offset, symbols.sh_size))
      return bad("malformed .dynsym");
    Elf64_Shdr strings = section(symbols.sh_link);
    if (!within(strings.sh_offset, strings.sh_size))
      return bad("malformed symbol names");
    for (uint64_t k = 0; k < symbols.sh_size / sizeof(Elf64_Sym); ++k) {
      Elf64_Sym sym;
      std::memcpy(&sym, bytes.data() + symbols.sh_offset + k * sizeof sym,
                  sizeof sym);
      if (sym.st_shndx == SHN_UNDEF || ELF64_ST_TYPE(sym.st_info) != STT_FUNC ||
          sym.st_name >= strings.sh_size)
        continue;
      const char *start = bytes.data() + strings.sh_offset + sym.st_name;
      size_t length = strnlen(start, strings.sh_size - sym.st_name);
      std::string name(start, length);
      if (name.rfind(prefix, 0) == 0)
        names.push_back(name);
    }
    return ok();
  }
  return bad("no dynamic symbol table");
}
