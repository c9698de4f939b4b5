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
#include "compiler/Dialect/DL/IR/FunctionNames.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
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

/// The buffer `memref` is part of: an argument of the entry point, or the
/// op that made it (a planned view of the workspace, an allocation, a
/// global), through subviews, casts and reshapes; null when unknown (the
/// workspace itself, a loop's result).
Value bufferOf(Value memref, func::FuncOp parent) {
  while (Operation *def = memref.getDefiningOp()) {
    if (isa<memref::ViewOp, memref::AllocOp, memref::AllocaOp,
            memref::GetGlobalOp>(def))
      return memref;
    auto view = dyn_cast<ViewLikeOpInterface>(def);
    if (!view)
      return nullptr;
    memref = view.getViewSource();
  }
  auto arg = dyn_cast<BlockArgument>(memref);
  if (!arg || arg.getOwner() != &parent.getBody().front() ||
      parent.getArgAttr(arg.getArgNumber(), mlir::dl::kWorkspaceAttr))
    return nullptr;
  return memref;
}

/// The positions, among the LLVM function's parameters, of the aligned
/// pointers of the memref `args` that share their buffer with no other
/// argument (memrefs become allocated pointer, aligned pointer, offset,
/// sizes, strides). Buffers that a kernel uses together are disjoint: the
/// entry points' arguments do not overlap (abi.h) and buffers alive
/// together have disjoint places in the workspace (dlc-plan-workspace).
/// None when some buffer is unknown.
std::string noaliasParameters(ValueRange args, func::FuncOp parent) {
  SmallVector<Value> buffers;
  llvm::DenseMap<Value, unsigned> uses;
  for (Value v : args) {
    buffers.push_back(isa<MemRefType>(v.getType()) ? bufferOf(v, parent) : v);
    if (!buffers.back())
      return "";
    ++uses[buffers.back()];
  }
  std::string positions;
  unsigned position = 0;
  for (auto [v, buffer] : llvm::zip(args, buffers)) {
    auto type = dyn_cast<MemRefType>(v.getType());
    if (!type) {
      ++position;
      continue;
    }
    if (uses[buffer] == 1)
      positions += (positions.empty() ? "" : ",") + std::to_string(position + 1);
    position += 3 + 2 * type.getRank();
  }
  return positions;
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
  SmallVector<Attribute> passthrough = {b.getStringAttr("noinline")};
  std::string noalias = noaliasParameters(inputs, parent);
  if (!noalias.empty())
    passthrough.push_back(b.getArrayAttr(
        {b.getStringAttr(mlir::dl::kNoaliasParamsAttr), b.getStringAttr(noalias)}));
  kernel->setAttr("passthrough", b.getArrayAttr(passthrough));
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
