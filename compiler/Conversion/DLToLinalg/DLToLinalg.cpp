//===- DLToLinalg.cpp - The convert-dl-to-linalg pass ---------------------===//
//
// Sets up the conversion target and collects the patterns of the op
// families (layers, element-wise, shape, losses, gradients, training).
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/DLToLinalg/Patterns.h"
#include "compiler/Conversion/Passes.h"
#include "compiler/Dialect/DL/IR/DLOps.h"

#include "mlir/Transforms/DialectConversion.h"

namespace dlc {
#define GEN_PASS_DEF_CONVERTDLTOLINALG
#include "compiler/Conversion/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {
struct ConvertDLToLinalg
    : dlc::impl::ConvertDLToLinalgBase<ConvertDLToLinalg> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    ConversionTarget target(*ctx);
    target.addIllegalDialect<dl::DLDialect>();
    target.addLegalDialect<linalg::LinalgDialect, tensor::TensorDialect,
                           arith::ArithDialect, math::MathDialect,
                           func::FuncDialect>();
    RewritePatternSet patterns(ctx);
    dlc::populateLayerPatterns(patterns);
    dlc::populateElementwisePatterns(patterns);
    dlc::populateShapePatterns(patterns);
    dlc::populateLossPatterns(patterns);
    dlc::populateGradientPatterns(patterns);
    dlc::populateTrainingPatterns(patterns);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
