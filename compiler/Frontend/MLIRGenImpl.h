//===- MLIRGenImpl.h - State shared by the MLIRGen files ---------*- C++ -*-===//
//
// Private to compiler/Frontend: the generator walks statements and blocks in
// MLIRGen.cpp and builds each op, with its shape checks, in MLIRGenOps.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_FRONTEND_MLIRGENIMPL_H
#define DLC_FRONTEND_MLIRGENIMPL_H

#include "compiler/Frontend/Builtins.h"
#include "compiler/Frontend/MLIRGen.h"
#include "compiler/Frontend/Sema.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringMap.h"

namespace dlc {

/// A value during expansion: a tensor (or loss) or a compile-time scalar.
struct Val {
  Kind kind = Kind::Int;
  mlir::Value tensor;
  double number = 0; ///< Int, Float, and Bool as 0/1.
  std::string str;

  mlir::RankedTensorType type() const {
    return mlir::cast<mlir::RankedTensorType>(tensor.getType());
  }
};

/// `f32[N, 16, 5, 5]`: a type as the language writes it.
std::string spell(mlir::Type type);

class Generator;

/// One call of a built-in op, its arguments evaluated.
class OpCall {
public:
  OpCall(Generator &gen, const BuiltinSpec &spec, const Expr &call,
         const MatchedArgs &args, llvm::DenseMap<const Expr *, Val> values,
         mlir::Location loc, std::string name)
      : gen(gen), spec(spec), call(call), args(args),
        values(std::move(values)), loc(loc), name(std::move(name)) {}

  /// Checks the shapes and builds the op.
  mlir::FailureOr<Val> build();

private:
  bool has(llvm::StringRef param) const;
  Val arg(llvm::StringRef param) const;
  mlir::Value tensor(llvm::StringRef param) const { return arg(param).tensor; }
  double number(llvm::StringRef param) const;
  /// An integer argument within [min, 2^24]; reports and fails otherwise.
  mlir::FailureOr<int64_t> integer(llvm::StringRef param, int64_t min) const;
  llvm::SMLoc argLoc(llvm::StringRef param) const;
  mlir::InFlightDiagnostic error(const llvm::Twine &msg) const;
  mlir::LogicalResult expectRank(mlir::Value v, int64_t rank,
                                 llvm::StringRef layout) const;
  mlir::FailureOr<mlir::Value> param(llvm::StringRef suffix,
                                     llvm::ArrayRef<int64_t> shape,
                                     bool buffer = false) const;
  /// `weight` of the given shape and, unless bias=false, `bias [out]`.
  mlir::FailureOr<std::pair<mlir::Value, mlir::Value>>
  weightAndBias(llvm::ArrayRef<int64_t> weightShape, int64_t out) const;
  template <typename OpTy, typename... Args>
  Val create(Args &&...args) const;

  mlir::FailureOr<Val> conv(bool transposed, int64_t kernel, int64_t stride);
  mlir::FailureOr<Val> dense();
  mlir::FailureOr<Val> batchnorm();
  mlir::FailureOr<Val> pool(bool max);
  mlir::FailureOr<Val> concat();
  mlir::FailureOr<Val> loss();

  Generator &gen;
  const BuiltinSpec &spec;
  const Expr &call;
  const MatchedArgs &args;
  llvm::DenseMap<const Expr *, Val> values;
  mlir::Location loc;
  std::string name;
};

/// Shared services of the generator that OpCall needs.
class Generator {
public:
  Generator(const Program &program, const SourceFile &file);

  mlir::OwningOpRef<mlir::ModuleOp> run(const Definition &network);

  const SourceFile &file;
  mlir::OpBuilder builder;
  bool training = false; ///< Building @loss rather than @forward.

  /// A new parameter argument of the function being built.
  mlir::FailureOr<mlir::Value> addParam(const std::string &name,
                                        llvm::ArrayRef<int64_t> shape,
                                        bool buffer, mlir::Location loc);
  /// A tensor type, refusing sizes no machine could hold.
  mlir::FailureOr<mlir::RankedTensorType>
  tensorType(llvm::ArrayRef<int64_t> shape, mlir::Type element,
             mlir::Location loc);
  /// A rank-0 f32 constant for scalars that meet tensors.
  mlir::Value scalar(double value, mlir::Location loc);
  /// Counts an op against the expansion budget.
  mlir::LogicalResult countOp(mlir::Location loc);

private:
  struct Frame;
  mlir::FailureOr<Val> eval(const Expr &e, Frame &frame);
  mlir::FailureOr<Val> evalBinary(const Expr &e, Frame &frame);
  mlir::FailureOr<Val> evalCall(const Expr &e, Frame &frame);
  mlir::FailureOr<Val> expandBlock(const Definition &block, const Expr &call,
                                   const MatchedArgs &args,
                                   llvm::DenseMap<const Expr *, Val> &values,
                                   Frame &caller, const std::string &name);
  mlir::LogicalResult runBody(const Definition &def, Frame &frame,
                              llvm::SmallVectorImpl<Val> &results);
  mlir::LogicalResult buildFunction(const Definition &network, bool training);
  std::string layerName(const Expr &call, const MatchedArgs &args,
                        bool isLayer, Frame &frame);
  mlir::Location locate(llvm::SMLoc at, const Frame &frame) const;

  const Program &program;
  llvm::StringMap<const Definition *> blocks;
  mlir::ModuleOp module;
  mlir::func::FuncOp function;
  llvm::SmallVector<mlir::Attribute> argAttrs;
  llvm::StringMap<mlir::Location> paramLocs;
  int64_t opCount = 0;
};

} // namespace dlc

#endif // DLC_FRONTEND_MLIRGENIMPL_H
