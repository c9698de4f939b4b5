//===- Sema.cpp - Name, call and definition checks for .net files ---------===//

#include "compiler/Frontend/Sema.h"

#include "compiler/Frontend/Builtins.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include <functional>

using namespace dlc;
using llvm::failed;
using llvm::failure;
using llvm::FailureOr;
using llvm::LogicalResult;
using llvm::success;

Kind dlc::kindOf(Param::Kind k) {
  switch (k) {
  case Param::Tensor: return Kind::Tensor;
  case Param::Int: return Kind::Int;
  case Param::Float: return Kind::Float;
  case Param::Bool: return Kind::Bool;
  }
  return Kind::Tensor;
}

Signature dlc::signatureOf(const BuiltinSpec &spec) {
  Signature sig;
  for (const ArgSpec &a : spec.args) {
    sig.names.push_back(a.name);
    sig.required.push_back(!a.defaultValue && a.defaultFrom.empty());
    sig.kinds.push_back(a.kind);
  }
  sig.variadic = spec.variadic;
  sig.allowName = spec.role == BuiltinSpec::Layer;
  sig.example = spec.example;
  return sig;
}

Signature dlc::signatureOf(const Definition &block) {
  Signature sig;
  for (const Param &p : block.params) {
    sig.names.push_back(p.name);
    sig.required.push_back(!p.defaultValue);
    sig.kinds.push_back(kindOf(p.kind));
  }
  sig.allowName = true;
  return sig;
}

/// Reports the first required parameter the call leaves out.
static LogicalResult checkRequired(const SourceFile &file, const Expr &call,
                                   const Signature &sig, const MatchedArgs &m) {
  for (size_t i = 0; i < sig.names.size(); ++i) {
    if (sig.required[i] && !m.slots[i]) {
      auto diag = file.error(call.loc, "'" + call.text +
                                           "' requires the argument '" +
                                           sig.names[i] + "'");
      if (!sig.example.empty())
        diag.attachNote() << "for example: " << sig.example;
      return failure();
    }
  }
  return success();
}

std::optional<MatchedArgs> dlc::matchArguments(const SourceFile &file,
                                               const Expr &call,
                                               const Signature &sig) {
  llvm::ArrayRef<llvm::StringRef> params = sig.names;
  bool variadic = sig.variadic, allowName = sig.allowName;
  MatchedArgs m;
  m.slots.assign(params.size(), nullptr);
  // A variadic op takes every positional as an input; keywords are the rest.
  if (variadic) {
    for (const ExprPtr &a : call.args)
      m.rest.push_back(a.get());
  } else {
    if (call.args.size() > params.size()) {
      file.error(call.args[params.size()]->loc,
                 "too many arguments: '" + call.text + "' takes at most " +
                     llvm::Twine(params.size()) + ", got " +
                     llvm::Twine(call.args.size()));
      return std::nullopt;
    }
    for (size_t i = 0; i < call.args.size(); ++i)
      m.slots[i] = call.args[i].get();
  }
  for (const KeywordArg &kw : call.keywords) {
    if (allowName && kw.name == "name") {
      if (m.name) {
        file.error(kw.loc, "argument 'name' is given twice");
        return std::nullopt;
      }
      m.name = kw.value.get();
      continue;
    }
    auto it = llvm::find(params, kw.name);
    if (it == params.end()) {
      auto diag = file.error(kw.loc, "'" + call.text +
                                         "' has no argument named '" +
                                         kw.name + "'");
      std::vector<llvm::StringRef> names(params.begin(), params.end());
      if (allowName)
        names.push_back("name");
      if (!noteClosest(diag, kw.name, names))
        diag.attachNote() << "its arguments are: " << llvm::join(names, ", ");
      return std::nullopt;
    }
    size_t i = it - params.begin();
    if (m.slots[i]) {
      file.error(kw.loc, "argument '" + kw.name + "' of '" + call.text +
                             "' is given twice");
      return std::nullopt;
    }
    m.slots[i] = kw.value.get();
  }
  return m;
}

namespace {

/// What a name or an expression stands for, statically.
struct Info {
  Kind kind;
  bool training = false; ///< Depends on a target.
};

class Sema {
public:
  Sema(Program &program, const SourceFile &file) : program(program), file(file) {}

  LogicalResult run() {
    llvm::StringMap<const Definition *> seen;
    for (Definition &def : program.defs) {
      if (def.isBlock && lookupOp(def.name))
        return error(def.loc, "block '" + def.name +
                                  "' has the name of a built-in op");
      auto [it, inserted] = seen.try_emplace(def.name, &def);
      if (!inserted) {
        error(def.loc, "redefinition of '" + def.name + "'")
            .attachNote(file.loc(it->second->loc))
            << "previous definition is here";
        return failure();
      }
      if (def.isBlock)
        blocks[def.name] = &def;
    }
    for (Definition &def : program.defs)
      if (failed(checkDefinition(def)))
        return failure();
    return checkRecursion();
  }

private:
  struct Binding {
    Info info;
    llvm::SMLoc loc;
    Stmt::Kind role; ///< Input, Target, Output or Let (also block params).
    bool used = false;
  };
  using Scope = llvm::StringMap<Binding>;

  mlir::InFlightDiagnostic error(llvm::SMLoc at, const llvm::Twine &msg) {
    return file.error(at, msg);
  }

  LogicalResult checkDefinition(Definition &def) {
    Scope scope;
    currentDef = &def;
    for (Param &p : def.params) {
      if (scope.count(p.name))
        return error(p.loc, "parameter '" + p.name + "' is declared twice");
      if (p.kind == Param::Tensor && p.defaultValue)
        return error(p.defaultValue->loc,
                     "a tensor parameter cannot have a default value");
      if (p.defaultValue) {
        FailureOr<Info> info = checkConstant(*p.defaultValue);
        if (failed(info))
          return failure();
        Kind want = kindOf(p.kind);
        if (!accepts(want, info->kind))
          return error(p.defaultValue->loc,
                       "default of '" + p.name + "' must be " +
                           describe(want) + ", got " + describe(info->kind));
      }
      // Unused scalar parameters are fine: a block may not need each knob.
      scope[p.name] = {{kindOf(p.kind)}, p.loc, Stmt::Let,
                       p.kind != Param::Tensor};
    }

    const Stmt *lossStmt = nullptr, *optimizerStmt = nullptr;
    bool hasOutput = false, hasReturn = false;
    for (Stmt &stmt : def.body) {
      if (hasReturn)
        return error(stmt.loc, "statement after 'return'");
      if (failed(checkPlacement(stmt, def)))
        return failure();
      switch (stmt.kind) {
      case Stmt::Input:
      case Stmt::Target:
        if (failed(checkDecl(stmt)) ||
            failed(define(scope, stmt.name, stmt.nameLoc, stmt.kind,
                          {Kind::Tensor, stmt.kind == Stmt::Target})))
          return failure();
        break;
      case Stmt::Let:
      case Stmt::Output: {
        FailureOr<Info> info = checkExpr(*stmt.value, scope);
        if (failed(info))
          return failure();
        if (info->kind != Kind::Tensor && info->kind != Kind::Loss &&
            stmt.kind == Stmt::Output)
          return error(stmt.value->loc, "an output must be a tensor, got " +
                                            describe(info->kind));
        if (stmt.kind == Stmt::Output && info->kind == Kind::Loss)
          return error(stmt.value->loc,
                       "an output must be a tensor, got a loss");
        if (stmt.kind == Stmt::Output && info->training)
          return error(stmt.value->loc,
                       "output '" + stmt.name +
                           "' depends on a target, which inference does not "
                           "have");
        stmt.trainingOnly = info->training;
        if (failed(define(scope, stmt.name, stmt.nameLoc, stmt.kind, *info)))
          return failure();
        hasOutput |= stmt.kind == Stmt::Output;
        break;
      }
      case Stmt::Loss: {
        if (lossStmt)
          return duplicate(stmt, *lossStmt);
        lossStmt = &stmt;
        FailureOr<Info> info = checkExpr(*stmt.value, scope);
        if (failed(info))
          return failure();
        if (info->kind != Kind::Loss)
          return error(stmt.value->loc,
                       "'loss' needs a loss such as cross_entropy(logits, "
                       "labels), got " + describe(info->kind));
        stmt.trainingOnly = true;
        break;
      }
      case Stmt::Optimizer:
        if (optimizerStmt)
          return duplicate(stmt, *optimizerStmt);
        optimizerStmt = &stmt;
        if (failed(checkOptimizer(*stmt.value)))
          return failure();
        break;
      case Stmt::Return: {
        FailureOr<Info> info = checkExpr(*stmt.value, scope);
        if (failed(info))
          return failure();
        if (info->kind != Kind::Tensor)
          return error(stmt.value->loc,
                       "a block returns a tensor, got " + describe(info->kind));
        hasReturn = true;
        break;
      }
      }
    }
    if (def.isBlock && !hasReturn)
      return error(def.loc, "block '" + def.name + "' has no 'return'");
    if (!def.isBlock && !hasOutput)
      return error(def.loc, "network '" + def.name + "' has no output")
                 .attachNote()
             << "declare one with 'output NAME = EXPR'";
    if (optimizerStmt && !lossStmt)
      return error(optimizerStmt->loc,
                   "an optimizer needs a 'loss' to minimise");
    bool hasLoss = lossStmt != nullptr;
    for (auto &entry : scope) {
      const Binding &b = entry.second;
      if (b.used || b.role == Stmt::Output)
        continue;
      if (b.role == Stmt::Target && !hasLoss)
        continue; // Targets only matter to a loss.
      if (failed(reportUnused(entry.first(), b)))
        return failure();
    }
    return success();
  }

  /// A second loss or optimizer statement.
  LogicalResult duplicate(const Stmt &stmt, const Stmt &prev) {
    error(stmt.loc, "a network has one '" + keywordOf(stmt.kind) + "'")
            .attachNote(file.loc(prev.loc))
        << "the first is here";
    return failure();
  }

  LogicalResult checkPlacement(const Stmt &stmt, const Definition &def) {
    bool networkOnly = stmt.kind == Stmt::Input || stmt.kind == Stmt::Target ||
                       stmt.kind == Stmt::Output || stmt.kind == Stmt::Loss ||
                       stmt.kind == Stmt::Optimizer;
    if (def.isBlock && networkOnly)
      return error(stmt.loc, llvm::Twine("'") + keywordOf(stmt.kind) +
                                 "' belongs in a network, not in a block");
    if (!def.isBlock && stmt.kind == Stmt::Return)
      return error(stmt.loc, "'return' belongs in a block; a network "
                             "declares 'output NAME = EXPR'");
    return success();
  }

  LogicalResult checkDecl(const Stmt &stmt) {
    const TensorDecl &d = stmt.decl;
    if (d.dtype != "f32" && d.dtype != "i32")
      return error(d.dtypeLoc, "unknown element type '" + d.dtype +
                                   "'; expected f32 or i32");
    if (stmt.kind == Stmt::Input && d.dtype != "f32")
      return error(d.dtypeLoc, "inputs are f32; class indices belong in a "
                               "'target'");
    return success();
  }

  LogicalResult define(Scope &scope, const std::string &name, llvm::SMLoc loc,
                       Stmt::Kind role, Info info) {
    auto it = scope.find(name);
    if (it != scope.end()) {
      Binding &prev = it->second;
      // Re-binding a working value (`x = f(x)`) is the language's habit;
      // interface names (inputs, targets, outputs) are fixed.
      bool fixed = role != Stmt::Let || prev.role != Stmt::Let;
      if (fixed) {
        error(loc, "redefinition of '" + name + "'")
                .attachNote(file.loc(prev.loc))
            << "previous definition is here";
        return failure();
      }
      if (!prev.used && failed(reportUnused(name, prev)))
        return failure();
    }
    scope[name] = {info, loc, role, false};
    return success();
  }

  LogicalResult reportUnused(llvm::StringRef name, const Binding &b) {
    llvm::StringRef what = b.role == Stmt::Input    ? "input"
                           : b.role == Stmt::Target ? "target"
                                                    : "value";
    error(b.loc, llvm::Twine(what) + " '" + name + "' is never used")
            .attachNote()
        << "remove it, or use it in a later statement";
    return failure();
  }

  /// Literal numbers and booleans only: defaults of block parameters.
  FailureOr<Info> checkConstant(const Expr &e) {
    Scope empty;
    if (e.kind == Expr::Number || e.kind == Expr::Bool ||
        (e.kind == Expr::Negate && e.args[0]->kind == Expr::Number))
      return checkExpr(e, empty);
    return error(e.loc, "a default value must be a number or true/false"),
           failure();
  }

  FailureOr<Info> checkExpr(const Expr &e, Scope &scope) {
    switch (e.kind) {
    case Expr::Number:
      return Info{e.isInt ? Kind::Int : Kind::Float};
    case Expr::Bool:
      return Info{Kind::Bool};
    case Expr::String:
      return Info{Kind::String};
    case Expr::Name: {
      auto it = scope.find(e.text);
      if (it == scope.end()) {
        auto diag = error(e.loc, "use of undefined name '" + e.text + "'");
        std::vector<llvm::StringRef> names;
        for (auto &entry : scope)
          names.push_back(entry.first());
        noteClosest(diag, e.text, names);
        return failure();
      }
      it->second.used = true;
      return it->second.info;
    }
    case Expr::Negate: {
      FailureOr<Info> v = checkExpr(*e.args[0], scope);
      if (failed(v))
        return failure();
      if (v->kind == Kind::Bool || v->kind == Kind::String)
        return error(e.loc, "cannot negate " + describe(v->kind)), failure();
      return v;
    }
    case Expr::Binary:
      return checkBinary(e, scope);
    case Expr::Call:
      return checkCall(e, scope);
    }
    return failure();
  }

  FailureOr<Info> checkBinary(const Expr &e, Scope &scope) {
    FailureOr<Info> l = checkExpr(*e.args[0], scope);
    if (failed(l))
      return failure();
    FailureOr<Info> r = checkExpr(*e.args[1], scope);
    if (failed(r))
      return failure();
    auto isNumber = [](Kind k) { return k == Kind::Int || k == Kind::Float; };
    Kind lk = l->kind, rk = r->kind;
    bool training = l->training || r->training;
    if (isNumber(lk) && isNumber(rk))
      return Info{lk == Kind::Int && rk == Kind::Int ? Kind::Int : Kind::Float};
    for (Kind k : {Kind::Tensor, Kind::Loss})
      if ((lk == k || isNumber(lk)) && (rk == k || isNumber(rk)))
        return Info{k, training};
    return error(e.loc, "cannot apply '" + std::string(1, e.op) + "' to " +
                            describe(lk) + " and " + describe(rk)),
           failure();
  }

  FailureOr<Info> checkCall(const Expr &call, Scope &scope) {
    const BuiltinSpec *spec = lookupOp(call.text);
    auto blockIt = blocks.find(call.text);
    Signature sig;
    if (spec) {
      sig = signatureOf(*spec);
    } else if (blockIt != blocks.end()) {
      sig = signatureOf(*blockIt->second);
      if (currentDef->isBlock)
        calls[currentDef->name].push_back({call.text, call.loc});
    } else {
      auto diag = error(call.loc, "unknown op or block '" + call.text + "'");
      std::vector<llvm::StringRef> names = allOpNames();
      for (auto &b : blocks)
        names.push_back(b.first());
      noteClosest(diag, call.text, names);
      return failure();
    }
    std::optional<MatchedArgs> m = matchArguments(file, call, sig);
    if (!m)
      return failure();
    bool training = false;
    auto checkArg = [&](const Expr *arg, Kind want,
                        llvm::StringRef param) -> LogicalResult {
      FailureOr<Info> got = checkExpr(*arg, scope);
      if (failed(got))
        return failure();
      training |= got->training;
      if (accepts(want, got->kind))
        return success();
      return error(arg->loc, "argument '" + param + "' of '" + call.text +
                                 "' must be " + describe(want) + ", got " +
                                 describe(got->kind));
    };
    for (const Expr *arg : m->rest)
      if (failed(checkArg(arg, Kind::Tensor, "inputs")))
        return failure();
    if (sig.variadic && m->rest.empty())
      return error(call.loc, "'" + call.text + "' needs at least one tensor"),
             failure();
    for (size_t i = 0; i < sig.names.size(); ++i)
      if (m->slots[i] &&
          failed(checkArg(m->slots[i], sig.kinds[i], sig.names[i])))
        return failure();
    if (failed(checkRequired(file, call, sig, *m)))
      return failure();
    if (m->name) {
      if (m->name->kind != Expr::String)
        return error(m->name->loc, "'name' must be a string such as "
                                   "name=\"conv1\""),
               failure();
      if (failed(checkLayerName(*m->name)))
        return failure();
    }
    if (spec && spec->role == BuiltinSpec::Loss)
      return Info{Kind::Loss, training};
    return Info{Kind::Tensor, training};
  }

  LogicalResult checkLayerName(const Expr &name) {
    llvm::StringRef text = name.text;
    bool ok = !text.empty() && !text.starts_with(".") && !text.ends_with(".") &&
              !text.contains("..") && llvm::all_of(text, [](char c) {
                return llvm::isAlnum(c) || c == '_' || c == '.';
              });
    if (!ok)
      return error(name.loc, "layer name \"" + text +
                                 "\" must be letters, digits, '_' and '.'");
    return success();
  }

  LogicalResult checkOptimizer(const Expr &call) {
    const BuiltinSpec *spec = lookupOptimizer(call.text);
    if (!spec) {
      auto diag = error(call.loc, "unknown optimizer '" + call.text + "'");
      if (!noteClosest(diag, call.text, allOptimizerNames()))
        diag.attachNote() << "dlc knows sgd, adam and adamw";
      return failure();
    }
    Signature sig = signatureOf(*spec);
    std::optional<MatchedArgs> m = matchArguments(file, call, sig);
    if (!m)
      return failure();
    const std::vector<llvm::StringRef> &params = sig.names;
    for (size_t i = 0; i < params.size(); ++i) {
      if (!m->slots[i])
        continue;
      FailureOr<Info> got = checkConstant(*m->slots[i]);
      if (failed(got))
        return failure();
      if (!accepts(spec->args[i].kind, got->kind))
        return error(m->slots[i]->loc,
                     "'" + params[i] + "' must be " +
                         describe(spec->args[i].kind) + ", got " +
                         describe(got->kind));
    }
    return success();
  }

  /// A block that reaches itself through calls would expand forever.
  LogicalResult checkRecursion() {
    llvm::StringSet<> done;
    std::vector<std::string> stack;
    std::function<LogicalResult(llvm::StringRef)> visit =
        [&](llvm::StringRef name) -> LogicalResult {
      stack.push_back(name.str());
      for (auto &[callee, loc] : calls[name]) {
        if (llvm::is_contained(stack, callee)) {
          auto cycle = llvm::ArrayRef(stack).drop_until(
              [&](const std::string &s) { return s == callee; });
          return error(loc, "block '" + callee + "' calls itself (" +
                                llvm::join(cycle, " -> ") + " -> " + callee +
                                "); recursion is not allowed");
        }
        if (stack.size() >= kMaxBlockDepth)
          return error(loc, "block calls nest more than " +
                                llvm::Twine(kMaxBlockDepth) + " levels deep");
        if (!done.contains(callee) && failed(visit(callee)))
          return failure();
      }
      stack.pop_back();
      done.insert(name);
      return success();
    };
    for (const Definition &def : program.defs)
      if (def.isBlock && !done.contains(def.name) && failed(visit(def.name)))
        return failure();
    return success();
  }

  Program &program;
  const SourceFile &file;
  llvm::StringMap<Definition *> blocks;
  /// Block name -> the blocks its body calls, with the call's location.
  llvm::StringMap<std::vector<std::pair<std::string, llvm::SMLoc>>> calls;
  const Definition *currentDef = nullptr;
};

} // namespace

LogicalResult dlc::checkProgram(Program &program, const SourceFile &file) {
  return Sema(program, file).run();
}
