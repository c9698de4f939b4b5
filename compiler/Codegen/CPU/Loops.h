//===- Loops.h - An scf.for carrying one tensor, built in place -*- C++ -*-===//
//
// The kernels built op by op (DotProducts.cpp, Winograd.cpp, PoolRows.cpp)
// thread the tensor they update through nested loops.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_CODEGEN_CPU_LOOPS_H
#define DLC_CODEGEN_CPU_LOOPS_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

namespace dlc {

/// `acc` with `body(acc, iv)` applied for iv in [from, to) by `step`. The
/// body builds through `b` itself, placed in the loop's body.
inline mlir::Value
forLoop(mlir::OpBuilder &b, mlir::Location loc, mlir::Value acc,
        mlir::Value from, mlir::Value to, int64_t step,
        llvm::function_ref<mlir::Value(mlir::Value, mlir::Value)> body) {
  auto forOp = b.create<mlir::scf::ForOp>(
      loc, from, to, b.create<mlir::arith::ConstantIndexOp>(loc, step),
      mlir::ValueRange{acc},
      [&](mlir::OpBuilder &, mlir::Location l, mlir::Value iv,
          mlir::ValueRange args) {
        b.create<mlir::scf::YieldOp>(l, body(args[0], iv));
      });
  return forOp.getResult(0);
}

} // namespace dlc

#endif // DLC_CODEGEN_CPU_LOOPS_H
