//===- OutlineKernels.cpp - One function per loop nest of the train step --===//
//
//   %y = ... linalg.generic ins(%a, %b) outs(%c) { ... %s ... }
// becomes
//   func.call @train_step_7_conv1(%a, %b, %c, %s)
// with the op (and the constants it uses) cloned into the private
// @train_step_7_conv1 (named after its layer), marked noinline.
//
//===----------------------------------------------------------------------===//

#include "compiler/Codegen/CPU/Outlining.h"
#include "compiler/Codegen/CPU/Passes.h"

#include "mlir/IR/IRMapping.h"

namespace dlc {
#define GEN_PASS_DEF_OUTLINEKERNELS
#include "compiler/Codegen/CPU/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {

/// Top-level ops with regions (loop nests) and no results: after
/// bufferisation linalg ops and loops write memrefs instead of returning.
SmallVector<Operation *> kernelsOf(func::FuncOp fn) {
  SmallVector<Operation *> kernels;
  for (Operation &op : fn.getBody().front())
    if (op.getNumRegions() > 0 && op.getNumResults() == 0)
      kernels.push_back(&op);
  return kernels;
}

void outline(Operation *op, func::FuncOp parent, unsigned index, OpBuilder &b) {
  SmallVector<Value> constants;
  SmallVector<Value> inputs = dlc::capturedValues(op, constants);
  func::FuncOp kernel =
      dlc::createOutlined(b, op->getLoc(), dlc::kernelName(op, parent, index),
                          parent, /*leading=*/0, inputs);
  Block *body = &kernel.getBody().front();
  IRMapping map;
  for (auto [value, arg] : llvm::zip(inputs, body->getArguments()))
    map.map(value, arg);
  b.setInsertionPointToStart(body);
  for (Value c : constants)
    map.map(c, b.clone(*c.getDefiningOp())->getResult(0));
  b.clone(*op, map);
  b.create<func::ReturnOp>(op->getLoc());

  b.setInsertionPoint(op);
  b.create<func::CallOp>(op->getLoc(), kernel, inputs);
  op->erase();
}

struct OutlineKernels : dlc::impl::OutlineKernelsBase<OutlineKernels> {
  using OutlineKernelsBase::OutlineKernelsBase;
  void runOnOperation() override {
    OpBuilder b(&getContext());
    SmallVector<func::FuncOp> entries;
    for (auto fn : getOperation().getOps<func::FuncOp>())
      if (fn.isPublic() && !fn.isExternal())
        entries.push_back(fn);
    for (func::FuncOp fn : entries)
      for (auto [i, op] : llvm::enumerate(kernelsOf(fn)))
        outline(op, fn, i, b);
  }
};

} // namespace
