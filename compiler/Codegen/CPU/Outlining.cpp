//===- Outlining.cpp - Moving loop nests into functions of their own ------===//

#include "compiler/Codegen/CPU/Outlining.h"
#include "compiler/Dialect/DL/IR/FunctionNames.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "mlir/Transforms/RegionUtils.h"

using namespace mlir;

std::string dlc::kernelName(Operation *op, func::FuncOp parent, unsigned index,
                            StringRef suffix) {
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
          (layer.empty() ? "" : "_" + layer) + suffix)
      .str();
}

SmallVector<Value> dlc::capturedValues(Operation *op,
                                       SmallVectorImpl<Value> &constants) {
  llvm::SetVector<Value> used(op->getOperands().begin(),
                              op->getOperands().end());
  for (Region &region : op->getRegions())
    getUsedValuesDefinedAbove(region, used);
  SmallVector<Value> inputs;
  for (Value v : used)
    (matchPattern(v, m_Constant()) ? constants : inputs).push_back(v);
  return inputs;
}

/// The buffer `memref` is part of: an argument of the entry point, or the
/// op that made it (a planned view of the workspace, an allocation, a
/// global), through subviews, casts and reshapes; null when unknown (the
/// workspace itself, a loop's result).
static Value bufferOf(Value memref, func::FuncOp parent) {
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
/// sizes, strides), after `leading` scalars. Buffers that a kernel uses
/// together are disjoint: the entry points' arguments do not overlap
/// (abi.h) and buffers alive together have disjoint places in the
/// workspace (dlc-plan-workspace). None when some buffer is unknown.
static std::string noaliasParameters(ValueRange args, func::FuncOp parent,
                                     unsigned leading) {
  SmallVector<Value> buffers;
  llvm::DenseMap<Value, unsigned> uses;
  for (Value v : args) {
    buffers.push_back(isa<MemRefType>(v.getType()) ? bufferOf(v, parent) : v);
    if (!buffers.back())
      return "";
    ++uses[buffers.back()];
  }
  std::string positions;
  unsigned position = leading;
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

func::FuncOp dlc::createOutlined(OpBuilder &b, Location loc, StringRef name,
                                 func::FuncOp parent, unsigned leading,
                                 ValueRange args) {
  SmallVector<Type> types(leading, b.getIndexType());
  for (Value v : args)
    types.push_back(v.getType());
  auto fn = func::FuncOp::create(loc, name, b.getFunctionType(types, {}));
  fn.setPrivate();
  SymbolTable(parent->getParentOp()).insert(fn, Block::iterator(parent));
  SmallVector<Attribute> passthrough = {b.getStringAttr("noinline")};
  std::string noalias = noaliasParameters(args, parent, leading);
  if (!noalias.empty())
    passthrough.push_back(b.getArrayAttr({b.getStringAttr(mlir::dl::kNoaliasParamsAttr),
                                          b.getStringAttr(noalias)}));
  fn->setAttr("passthrough", b.getArrayAttr(passthrough));
  fn.addEntryBlock();
  return fn;
}
