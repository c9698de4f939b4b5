//===- OutlineKernels.cpp - One function per loop nest of the train step --===//
//
//   %y = ... linalg.generic ins(%a, %b) outs(%c) { ... %s ... }
// becomes
//   func.call @train_step_7_conv1(%a, %b, %c, %s)
// with the op (and the constants it uses) cloned into the private
// @train_step_7_conv1 (named after its layer), marked noinline.
//
//===----------------------------------------------------------------------===//

#include "compiler/Codegen/CPU/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/RegionUtils.h"

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

/// <function>_<index>_<layer>: the layer's name comes from the op's
/// location (the frontend's NameLoc), so profiles name the layer.
std::string kernelName(Operation *op, func::FuncOp parent, unsigned index) {
  std::string layer;
  op->getLoc()->walk([&](Location loc) {
    if (auto name = dyn_cast<NameLoc>(loc); name && layer.empty())
      layer = name.getName().str();
    return WalkResult::advance();
  });
  for (char &c : layer)
    if (!llvm::isAlnum(c))
      c = '_';
  return (parent.getSymName() + "_" + Twine(index) +
          (layer.empty() ? "" : "_" + layer))
      .str();
}

void outline(Operation *op, func::FuncOp parent, unsigned index, OpBuilder &b) {
  // The op's operands and the values its regions use from outside;
  // constants are copied in, so the kernel's loops keep constant bounds.
  llvm::SetVector<Value> used(op->getOperands().begin(),
                              op->getOperands().end());
  for (Region &region : op->getRegions())
    getUsedValuesDefinedAbove(region, used);
  SmallVector<Value> inputs, constants;
  for (Value v : used)
    (matchPattern(v, m_Constant()) ? constants : inputs).push_back(v);
  SmallVector<Type> types;
  for (Value v : inputs)
    types.push_back(v.getType());

  b.setInsertionPoint(parent);
  auto kernel =
      b.create<func::FuncOp>(op->getLoc(), kernelName(op, parent, index),
                             b.getFunctionType(types, {}));
  kernel.setPrivate();
  kernel->setAttr("passthrough", b.getArrayAttr({b.getStringAttr("noinline")}));
  Block *body = kernel.addEntryBlock();
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
    auto fn = getOperation().lookupSymbol<func::FuncOp>(function);
    if (!fn || fn.isExternal())
      return;
    SmallVector<Operation *> kernels = kernelsOf(fn);
    if (kernels.size() <= minKernels)
      return;
    for (auto [i, op] : llvm::enumerate(kernels))
      outline(op, fn, i, b);
  }
};

} // namespace
