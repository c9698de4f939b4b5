//===- OutlinePrepare.cpp - Parameter-only work out of @forward -----------===//
//
//   func @forward(%x {dl.input}, %w {dl.param}, ...) {
//     %w2, %b2 = dl.fold_batchnorm %w, ...      // parameters only
//     %y = dl.conv2d %x, %w2, %b2
// becomes
//   func @prepare(%w {dl.param}, ...) -> (%w2 {dl.prepared = "prepared.0"},
//                                         %b2 {dl.prepared = "prepared.1"})
//   func @forward(%x {dl.input}, %w {dl.param}, ...,
//                 %w2 {dl.prepared = "prepared.0"}, %b2 {...}) {
//     %y = dl.conv2d %x, %w2, %b2
// The runtime calls @prepare whenever parameters change and hands its
// results to every @forward; the module's dl.prepared attribute lists
// them (names and types) for the model's descriptor.
//
//===----------------------------------------------------------------------===//

#include "compiler/Dialect/DL/IR/DLOps.h"
#include "compiler/Dialect/DL/IR/FunctionNames.h"
#include "compiler/Dialect/DL/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace mlir::dl {
#define GEN_PASS_DEF_OUTLINEPREPARE
#include "compiler/Dialect/DL/Transforms/Passes.h.inc"
} // namespace mlir::dl

using namespace mlir;
using namespace mlir::dl;

namespace {

struct OutlinePrepare : dl::impl::OutlinePrepareBase<OutlinePrepare> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto forward = module.lookupSymbol<func::FuncOp>(kForwardFunc);
    if (!forward || forward.isExternal() ||
        module.lookupSymbol(kPrepareFunc) ||
        module->hasAttr(DLDialect::kPreparedAttr))
      return;
    Block &body = forward.getBody().front();

    // Values of parameters only, and the ops computing them.
    DenseSet<Value> derived;
    SmallVector<BlockArgument> params;
    for (BlockArgument arg : body.getArguments())
      if (forward.getArgAttr(arg.getArgNumber(), DLDialect::kParamAttr) ||
          forward.getArgAttr(arg.getArgNumber(), DLDialect::kBufferAttr)) {
        derived.insert(arg);
        params.push_back(arg);
      }
    SmallVector<Operation *> hoisted;
    for (Operation &op : body.without_terminator()) {
      if (op.getNumRegions() || !isMemoryEffectFree(&op) ||
          !llvm::all_of(op.getOperands(),
                        [&](Value v) { return derived.contains(v); }))
        continue;
      hoisted.push_back(&op);
      derived.insert(op.result_begin(), op.result_end());
    }
    // What the rest of @forward reads of them, computed by a dl op (a
    // constant stays where it is).
    SmallVector<Value> prepared;
    DenseSet<Operation *> inPrepare(hoisted.begin(), hoisted.end());
    for (Operation *op : hoisted)
      if (isa<DLDialect>(op->getDialect()))
        for (Value r : op->getResults())
          if (llvm::any_of(r.getUsers(), [&](Operation *user) {
                return !inPrepare.contains(user);
              }))
            prepared.push_back(r);
    if (params.empty() || prepared.empty())
      return;

    OpBuilder b(forward);
    SmallVector<Type> argTypes;
    SmallVector<DictionaryAttr> argAttrs;
    for (BlockArgument p : params) {
      argTypes.push_back(p.getType());
      argAttrs.push_back(forward.getArgAttrDict(p.getArgNumber()));
    }
    SmallVector<Type> resultTypes;
    for (Value v : prepared)
      resultTypes.push_back(v.getType());
    auto prepare = b.create<func::FuncOp>(
        forward.getLoc(), kPrepareFunc,
        b.getFunctionType(argTypes, resultTypes));
    prepare.setAllArgAttrs(argAttrs);
    IRMapping map;
    Block *entry = prepare.addEntryBlock();
    for (auto [param, arg] : llvm::zip(params, entry->getArguments()))
      map.map(param, arg);
    b.setInsertionPointToStart(entry);
    for (Operation *op : hoisted)
      b.clone(*op, map);
    SmallVector<Value> results;
    SmallVector<Attribute> listed;
    unsigned firstNew = params.back().getArgNumber() + 1;
    for (auto [i, v] : llvm::enumerate(prepared)) {
      StringAttr name = b.getStringAttr("prepared." + Twine(i));
      results.push_back(map.lookup(v));
      prepare.setResultAttr(i, DLDialect::kPreparedAttr, name);
      listed.push_back(b.getDictionaryAttr(
          {b.getNamedAttr("name", name),
           b.getNamedAttr("type", TypeAttr::get(v.getType()))}));
      // @forward reads it as an argument after the parameters.
      (void)forward.insertArgument(
          firstNew + i, v.getType(),
          b.getDictionaryAttr(b.getNamedAttr(DLDialect::kPreparedAttr, name)),
          v.getLoc());
      v.replaceAllUsesWith(body.getArgument(firstNew + i));
    }
    b.create<func::ReturnOp>(forward.getLoc(), results);
    for (Operation *op : llvm::reverse(hoisted))
      if (op->use_empty())
        op->erase();
    module->setAttr(DLDialect::kPreparedAttr, b.getArrayAttr(listed));
  }
};

} // namespace
