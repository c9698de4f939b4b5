//===- InitAll.cpp - Register every dialect and pass dlc uses -------------===//

#include "compiler/InitAll.h"

#include "compiler/Conversion/Passes.h"
#include "compiler/Dialect/DL/IR/DLOps.h"
#include "compiler/Dialect/DL/Transforms/Passes.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Transforms/Passes.h"

void dlc::registerAllDLCDialects(mlir::DialectRegistry &registry) {
  registry.insert<mlir::dl::DLDialect, mlir::arith::ArithDialect,
                  mlir::func::FuncDialect, mlir::linalg::LinalgDialect,
                  mlir::tensor::TensorDialect, mlir::math::MathDialect>();
}

void dlc::registerAllDLCPasses() {
  // Upstream passes the dl pipeline uses (canonicalize, cse, ...).
  mlir::registerTransformsPasses();
  mlir::dl::registerDLPasses();
  dlc::registerDLCConversionPasses();
}
