//===- MLIRGen.cpp - Expand a checked .net network into the dl dialect ----===//
//
// Walks the network's statements, expanding block calls in place (each call
// owns its parameters), evaluating scalar arithmetic at compile time and
// handing each built-in op to OpCall, which checks shapes and builds it.
// Every op carries its layer name as a NameLoc, and ops expanded from a block
// carry the call chain as CallSiteLocs, so errors point into the block and
// say where it was called from.
//
//===----------------------------------------------------------------------===//

#include "compiler/Frontend/MLIRGenImpl.h"

#include "compiler/Dialect/DL/IR/DLOps.h"
#include "compiler/Frontend/Parser.h"

#include "mlir/IR/Verifier.h"

#include <cmath>

using namespace dlc;
using namespace mlir;

/// The largest network dlc expands: far above any real one, low enough that
/// a file of nested blocks cannot make it run for hours.
static constexpr int64_t kMaxOps = 200000;
/// Scalars stay exact integers in a double up to 2^53.
static constexpr double kMaxScalar = 9007199254740992.0;

std::string dlc::spell(Type type) {
  auto t = dyn_cast<RankedTensorType>(type);
  if (!t)
    return "a non-tensor";
  std::string s;
  llvm::raw_string_ostream os(s);
  t.getElementType().print(os);
  if (t.getRank() == 0)
    return os.str() + " scalar";
  os << "[";
  llvm::interleaveComma(t.getShape(), os, [&](int64_t d) {
    if (ShapedType::isDynamic(d))
      os << "N";
    else
      os << d;
  });
  os << "]";
  return os.str();
}

struct Generator::Frame {
  const Definition *def;
  std::string prefix;               ///< "layer1.0." inside that block call.
  std::optional<Location> callSite; ///< Where this block was called from.
  int depth = 0;
  int position = 0; ///< Calls made so far in this scope: unnamed layers' names.
  llvm::StringMap<Val> env;
  llvm::StringMap<int> bindings; ///< How often each name is bound here.
  const Stmt *stmt = nullptr;    ///< The statement being evaluated.
  int stmtLayers = 0;            ///< Layer calls in that statement.
};

Generator::Generator(const Program &program, const SourceFile &file)
    : file(file), builder(file.getContext()), program(program) {
  for (const Definition &def : program.defs)
    if (def.isBlock)
      blocks[def.name] = &def;
}

Location Generator::locate(llvm::SMLoc at, const Frame &frame) const {
  Location loc = file.loc(at);
  return frame.callSite ? CallSiteLoc::get(loc, *frame.callSite) : loc;
}

LogicalResult Generator::countOp(Location loc) {
  if (++opCount <= kMaxOps)
    return success();
  return emitError(loc) << "the network expands to more than " << kMaxOps
                        << " ops";
}

FailureOr<RankedTensorType> Generator::tensorType(ArrayRef<int64_t> shape,
                                                  Type element, Location loc) {
  int64_t elements = 1;
  for (int64_t d : shape) {
    if (ShapedType::isDynamic(d))
      continue;
    if (d > (int64_t(1) << 31) ||
        __builtin_mul_overflow(elements, d, &elements) ||
        elements > (int64_t(1) << 40))
      return emitError(loc) << "tensor of shape [" << llvm::make_range(
                                   shape.begin(), shape.end())
                            << "] is too large",
             failure();
  }
  return RankedTensorType::get(shape, element);
}

Value Generator::scalar(double value, Location loc) {
  auto type = RankedTensorType::get({}, builder.getF32Type());
  return builder.create<arith::ConstantOp>(
      loc, DenseElementsAttr::get(type, builder.getF32FloatAttr(value)));
}

FailureOr<Value> Generator::addParam(const std::string &name,
                                     ArrayRef<int64_t> shape, bool buffer,
                                     Location loc) {
  auto [it, inserted] = paramLocs.try_emplace(name, loc);
  if (!inserted) {
    emitError(loc) << "parameter '" << name << "' is defined twice"
                   << ", as is every layer named '"
                   << llvm::StringRef(name).rsplit('.').first << "'";
    return failure();
  }
  FailureOr<RankedTensorType> type =
      tensorType(shape, builder.getF32Type(), loc);
  if (failed(type))
    return failure();
  StringRef attr = buffer ? dl::DLDialect::kBufferAttr : dl::DLDialect::kParamAttr;
  argAttrs.push_back(builder.getDictionaryAttr(
      builder.getNamedAttr(attr, builder.getStringAttr(name))));
  return function.front().addArgument(*type, loc);
}

/// Calls that own parameters: built-in layers with weights and block calls.
static int countLayerCalls(const Expr &e,
                           const llvm::StringMap<const Definition *> &blocks) {
  int n = 0;
  if (e.kind == Expr::Call) {
    const BuiltinSpec *spec = lookupOp(e.text);
    n += spec ? spec->hasParams : blocks.count(e.text);
  }
  for (const ExprPtr &a : e.args)
    n += countLayerCalls(*a, blocks);
  for (const KeywordArg &k : e.keywords)
    n += countLayerCalls(*k.value, blocks);
  return n;
}

/// `name="..."`; else the statement's binding when the statement makes one
/// layer and binds its name once in this scope; else the call's position.
std::string Generator::layerName(const Expr &call, const MatchedArgs &args,
                                 bool isLayer, Frame &frame) {
  if (args.name)
    return frame.prefix + args.name->text;
  const Stmt *stmt = frame.stmt;
  if (isLayer && stmt &&
      (stmt->kind == Stmt::Let || stmt->kind == Stmt::Output) &&
      frame.stmtLayers == 1 && frame.bindings.lookup(stmt->name) == 1)
    return frame.prefix + stmt->name;
  return frame.prefix + std::to_string(frame.position);
}

FailureOr<Val> Generator::eval(const Expr &e, Frame &frame) {
  switch (e.kind) {
  case Expr::Number:
    return Val{e.isInt ? Kind::Int : Kind::Float, {}, e.number};
  case Expr::Bool:
    return Val{Kind::Bool, {}, e.boolean ? 1.0 : 0.0};
  case Expr::String:
    return Val{Kind::String, {}, 0, e.text};
  case Expr::Name: {
    auto it = frame.env.find(e.text);
    if (it == frame.env.end())
      return emitError(locate(e.loc, frame)) << "'" << e.text
                                             << "' has no value here",
             failure();
    return it->second;
  }
  case Expr::Negate: {
    FailureOr<Val> v = eval(*e.args[0], frame);
    if (failed(v))
      return failure();
    if (!v->tensor) {
      v->number = -v->number;
      return v;
    }
    Location loc = locate(e.loc, frame);
    if (failed(countOp(loc)))
      return failure();
    v->tensor = builder.create<dl::MulOp>(loc, v->tensor.getType(), v->tensor,
                                          scalar(-1.0, loc));
    return v;
  }
  case Expr::Binary:
    return evalBinary(e, frame);
  case Expr::Call:
    return evalCall(e, frame);
  }
  return failure();
}

FailureOr<Val> Generator::evalBinary(const Expr &e, Frame &frame) {
  FailureOr<Val> l = eval(*e.args[0], frame);
  if (failed(l))
    return failure();
  FailureOr<Val> r = eval(*e.args[1], frame);
  if (failed(r))
    return failure();
  Location loc = locate(e.loc, frame);
  if (!l->tensor && !r->tensor) {
    double a = l->number, b = r->number;
    double v = e.op == '+' ? a + b : e.op == '-' ? a - b : a * b;
    if (!(std::fabs(v) <= kMaxScalar))
      return emitError(loc) << "the value of this expression is too large",
             failure();
    Kind k = l->kind == Kind::Int && r->kind == Kind::Int ? Kind::Int
                                                         : Kind::Float;
    return Val{k, {}, v};
  }
  Value lhs = l->tensor ? l->tensor : scalar(l->number, loc);
  Value rhs = r->tensor ? r->tensor : scalar(r->number, loc);
  auto lt = cast<RankedTensorType>(lhs.getType());
  auto rt = cast<RankedTensorType>(rhs.getType());
  if (lt != rt && lt.getRank() != 0 && rt.getRank() != 0)
    return emitError(loc) << "'" << e.op
                          << "' needs operands of the same shape, got "
                          << spell(lt) << " and " << spell(rt),
           failure();
  if (failed(countOp(loc)))
    return failure();
  Type type = lt.getRank() == 0 ? rt : lt;
  Value result;
  if (e.op == '+')
    result = builder.create<dl::AddOp>(loc, type, lhs, rhs);
  else if (e.op == '-')
    result = builder.create<dl::SubOp>(loc, type, lhs, rhs);
  else
    result = builder.create<dl::MulOp>(loc, type, lhs, rhs);
  Kind kind = l->kind == Kind::Loss || r->kind == Kind::Loss ? Kind::Loss
                                                            : Kind::Tensor;
  return Val{kind, result};
}

FailureOr<Val> Generator::evalCall(const Expr &e, Frame &frame) {
  const BuiltinSpec *spec = lookupOp(e.text);
  const Definition *block = spec ? nullptr : blocks.lookup(e.text);
  if (!spec && !block)
    return emitError(locate(e.loc, frame)) << "unknown op '" << e.text << "'",
           failure();
  Signature sig = spec ? signatureOf(*spec) : signatureOf(*block);
  std::optional<MatchedArgs> args = matchArguments(file, e, sig);
  if (!args)
    return failure();
  // Arguments first, in the order they are written: that order numbers the
  // unnamed layers, as nn.Sequential numbers its children.
  llvm::DenseMap<const Expr *, Val> values;
  for (const ExprPtr &a : e.args) {
    FailureOr<Val> v = eval(*a, frame);
    if (failed(v))
      return failure();
    values[a.get()] = *v;
  }
  for (const KeywordArg &k : e.keywords) {
    FailureOr<Val> v = eval(*k.value, frame);
    if (failed(v))
      return failure();
    values[k.value.get()] = *v;
  }
  std::string name =
      layerName(e, *args, block || spec->hasParams, frame);
  ++frame.position;
  if (block)
    return expandBlock(*block, e, *args, values, frame, name);
  Location loc = NameLoc::get(builder.getStringAttr(name), locate(e.loc, frame));
  if (failed(countOp(loc)))
    return failure();
  return OpCall(*this, *spec, e, *args, std::move(values), loc, name).build();
}

FailureOr<Val> Generator::expandBlock(const Definition &block, const Expr &call,
                                      const MatchedArgs &args,
                                      llvm::DenseMap<const Expr *, Val> &values,
                                      Frame &caller, const std::string &name) {
  Location site = locate(call.loc, caller);
  if (caller.depth + 1 > kMaxBlockDepth)
    return emitError(site) << "block calls nest more than " << kMaxBlockDepth
                           << " levels deep",
           failure();
  Frame frame{&block, name + ".", site, caller.depth + 1};
  for (size_t i = 0; i < block.params.size(); ++i) {
    const Param &p = block.params[i];
    if (args.slots[i]) {
      frame.env[p.name] = values[args.slots[i]];
      continue;
    }
    Frame empty{&block, "", site};
    FailureOr<Val> v = eval(*p.defaultValue, empty);
    if (failed(v))
      return failure();
    frame.env[p.name] = *v;
  }
  for (const Param &p : block.params)
    if (p.kind == Param::Float) // An int passed to a float stays a number.
      frame.env[p.name].kind = Kind::Float;
  SmallVector<Val, 1> results;
  if (failed(runBody(block, frame, results)))
    return failure();
  return results.front();
}

LogicalResult Generator::runBody(const Definition &def, Frame &frame,
                                 SmallVectorImpl<Val> &results) {
  for (const Stmt &stmt : def.body)
    if (stmt.kind == Stmt::Let || stmt.kind == Stmt::Output)
      ++frame.bindings[stmt.name];
  for (const Stmt &stmt : def.body) {
    bool skip = (stmt.trainingOnly || stmt.kind == Stmt::Loss) && !training;
    if (skip || stmt.kind == Stmt::Input || stmt.kind == Stmt::Target ||
        stmt.kind == Stmt::Optimizer)
      continue;
    frame.stmt = &stmt;
    frame.stmtLayers = countLayerCalls(*stmt.value, blocks);
    FailureOr<Val> v = eval(*stmt.value, frame);
    if (failed(v))
      return failure();
    if (stmt.kind == Stmt::Let || stmt.kind == Stmt::Output)
      frame.env[stmt.name] = *v;
    bool isResult = stmt.kind == Stmt::Return ||
                    (stmt.kind == Stmt::Output && !training) ||
                    (stmt.kind == Stmt::Loss && training);
    if (isResult)
      results.push_back(*v);
  }
  return success();
}

LogicalResult Generator::buildFunction(const Definition &network,
                                       bool isTraining) {
  training = isTraining;
  Location loc = file.loc(network.loc);
  builder.setInsertionPointToEnd(module.getBody());
  function = builder.create<func::FuncOp>(
      loc, training ? dl::kLossFunc : dl::kForwardFunc,
      builder.getFunctionType({}, {}));
  Block *entry = function.addEntryBlock();
  builder.setInsertionPointToStart(entry);
  argAttrs.clear();
  paramLocs.clear();

  // Inputs, then (for training) targets, then parameters as layers make them.
  Frame frame{&network, ""};
  for (Stmt::Kind kind : {Stmt::Input, Stmt::Target}) {
    if (kind == Stmt::Target && !training)
      break;
    for (const Stmt &stmt : network.body) {
      if (stmt.kind != kind)
        continue;
      SmallVector<int64_t> shape = {ShapedType::kDynamic};
      shape.append(stmt.decl.dims.begin(), stmt.decl.dims.end());
      Type element = stmt.decl.dtype == "i32" ? Type(builder.getI32Type())
                                              : Type(builder.getF32Type());
      Location at = NameLoc::get(builder.getStringAttr(stmt.name),
                                 file.loc(stmt.nameLoc));
      FailureOr<RankedTensorType> type = tensorType(shape, element, at);
      if (failed(type))
        return failure();
      StringRef attr = kind == Stmt::Input ? dl::DLDialect::kInputAttr
                                           : dl::DLDialect::kTargetAttr;
      argAttrs.push_back(builder.getDictionaryAttr(
          builder.getNamedAttr(attr, builder.getStringAttr(stmt.name))));
      frame.env[stmt.name] = Val{Kind::Tensor, entry->addArgument(*type, at)};
    }
  }

  SmallVector<Val> results;
  if (failed(runBody(network, frame, results)))
    return failure();
  SmallVector<Value> values;
  SmallVector<Type> types;
  SmallVector<Attribute> resultAttrs;
  for (const Val &v : results) {
    values.push_back(v.tensor);
    types.push_back(v.tensor.getType());
  }
  if (!training)
    for (const Stmt &stmt : network.body)
      if (stmt.kind == Stmt::Output)
        resultAttrs.push_back(builder.getDictionaryAttr(builder.getNamedAttr(
            dl::DLDialect::kOutputAttr, builder.getStringAttr(stmt.name))));
  builder.create<func::ReturnOp>(loc, values);
  function.setFunctionType(
      builder.getFunctionType(entry->getArgumentTypes(), types));
  // @loss is internal: the autodiff pass turns it into the public
  // train_step, and symbol-dce drops it from inference-only pipelines.
  if (training)
    function.setPrivate();
  function.setAllArgAttrs(argAttrs);
  if (!resultAttrs.empty())
    function.setAllResultAttrs(resultAttrs);
  return success();
}

OwningOpRef<ModuleOp> Generator::run(const Definition &network) {
  OwningOpRef<ModuleOp> owned =
      ModuleOp::create(file.loc(network.loc), StringRef(network.name));
  module = *owned;
  bool hasLoss = llvm::any_of(network.body, [](const Stmt &s) {
    return s.kind == Stmt::Loss;
  });
  if (failed(buildFunction(network, false)) ||
      (hasLoss && failed(buildFunction(network, true))))
    return nullptr;

  for (const Stmt &stmt : network.body) {
    if (stmt.kind != Stmt::Optimizer)
      continue;
    const Expr &call = *stmt.value;
    const BuiltinSpec &spec = *lookupOptimizer(call.text);
    std::optional<MatchedArgs> args = matchArguments(file, call, signatureOf(spec));
    if (!args)
      return nullptr;
    SmallVector<NamedAttribute> hyper = {
        builder.getNamedAttr("name", builder.getStringAttr(spec.name))};
    Frame empty{&network, ""};
    for (size_t i = 0; i < spec.args.size(); ++i) {
      double value = *spec.args[i].defaultValue;
      if (args->slots[i]) {
        FailureOr<Val> v = eval(*args->slots[i], empty);
        if (failed(v))
          return nullptr;
        value = v->number;
      }
      Attribute attr = spec.args[i].kind == Kind::Bool
                           ? Attribute(builder.getBoolAttr(value != 0))
                           : Attribute(builder.getF64FloatAttr(value));
      hyper.push_back(builder.getNamedAttr(spec.args[i].name, attr));
    }
    module->setAttr(dl::DLDialect::kOptimizerAttr,
                    builder.getDictionaryAttr(hyper));
  }
  if (failed(verify(module)))
    return nullptr;
  return owned;
}

OwningOpRef<ModuleOp> dlc::generateModule(const Program &program,
                                          const Definition &network,
                                          const SourceFile &file) {
  file.getContext()->loadDialect<dl::DLDialect>();
  return Generator(program, file).run(network);
}

OwningOpRef<ModuleOp> dlc::compileNetFile(const SourceFile &file,
                                          StringRef name) {
  std::optional<Program> program = parseProgram(file);
  if (!program || failed(checkProgram(*program, file)))
    return nullptr;
  std::vector<const Definition *> networks;
  for (const Definition &def : program->defs)
    if (!def.isBlock && (name.empty() || def.name == name))
      networks.push_back(&def);
  Location fileLoc = file.loc(llvm::SMLoc::getFromPointer(file.buffer().data()));
  if (networks.empty()) {
    if (name.empty())
      emitError(fileLoc) << "the file defines no network";
    else
      emitError(fileLoc) << "the file defines no network named '" << name
                         << "'";
    return nullptr;
  }
  if (networks.size() > 1) {
    std::vector<StringRef> names;
    for (const Definition *def : networks)
      names.push_back(def->name);
    emitError(fileLoc) << "the file defines several networks ("
                       << llvm::join(names, ", ")
                       << "); choose one with --network=NAME";
    return nullptr;
  }
  return generateModule(*program, *networks.front(), file);
}
