//===- HoistAccumulators.cpp - Vector accumulators out of k loops ---------===//

#include "compiler/Conversion/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Hoisting.h"

namespace dlc {
#define GEN_PASS_DEF_HOISTACCUMULATORS
#include "compiler/Conversion/Passes.h.inc"
} // namespace dlc

namespace {
struct HoistAccumulators
    : dlc::impl::HoistAccumulatorsBase<HoistAccumulators> {
  void runOnOperation() override {
    mlir::linalg::hoistRedundantVectorTransfers(getOperation());
  }
};
} // namespace
