//===- Parser.h - Recursive-descent parser for .net files -------*- C++ -*-===//

#ifndef DLC_FRONTEND_PARSER_H
#define DLC_FRONTEND_PARSER_H

#include "compiler/Frontend/AST.h"
#include "compiler/Frontend/Diagnostics.h"

#include <optional>

namespace dlc {

/// Parses the whole file; reports the first syntax error through the
/// diagnostic engine and returns std::nullopt.
std::optional<Program> parseProgram(const SourceFile &file);

} // namespace dlc

#endif // DLC_FRONTEND_PARSER_H
