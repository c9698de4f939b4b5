//===- OutlineParallelLoops.cpp - Parallel loops to the runtime's threads -===//
//
//   func.func @forward(..., %parallel: !llvm.ptr {dl.parallel})
//     scf.forall (%n, %y) = (0, 0) to (%batch, 56) step (1, 4) { body }
// becomes
//   %count = %batch * 14
//   call @forward_3_conv1_part_parallel(%parallel, %count, captured...)
// where the declaration's dl.parallel_part names
//   func.func private @forward_3_conv1_part(%begin, %end, captured...) {
//     scf.for %i = %begin to %end { %n = %i / 14; %y = %i % 14 * 4; body }
//   }
// (dlc-lower-parallel-calls makes the call once the part is LLVM code).
//
//===----------------------------------------------------------------------===//

#include "compiler/Codegen/CPU/Outlining.h"
#include "compiler/Codegen/CPU/Passes.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/IRMapping.h"

namespace dlc {
#define GEN_PASS_DEF_OUTLINEPARALLELLOOPS
#include "compiler/Codegen/CPU/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {

/// Each dimension's number of iterations, ceil((ub - lb) / step), with the
/// loop's bounds as `value` gives them where the counts are built.
SmallVector<Value> tripCounts(OpBuilder &b, Location loc, scf::ForallOp loop,
                              function_ref<Value(OpFoldResult)> value) {
  SmallVector<Value> counts;
  for (auto [lb, ub, step] :
       llvm::zip(loop.getMixedLowerBound(), loop.getMixedUpperBound(),
                 loop.getMixedStep())) {
    // (ub - lb + step - 1) / step: arith.ceildivui has no LLVM lowering.
    Value s = value(step);
    Value span = b.create<arith::SubIOp>(loc, value(ub), value(lb));
    Value up = b.create<arith::SubIOp>(
        loc, b.create<arith::AddIOp>(loc, span, s),
        b.create<arith::ConstantIndexOp>(loc, 1));
    counts.push_back(b.create<arith::DivUIOp>(loc, up, s));
  }
  return counts;
}

void outline(scf::ForallOp loop, func::FuncOp parent, unsigned index,
             Value parallel, OpBuilder &b) {
  Location loc = loop.getLoc();
  SmallVector<Value> constants;
  SmallVector<Value> inputs = dlc::capturedValues(loop, constants);
  func::FuncOp part = dlc::createOutlined(
      b, loc, dlc::kernelName(loop, parent, index, "_part"), parent,
      /*leading=*/2, inputs);
  part->setAttr(mlir::dl::kParallelPartAttr, b.getUnitAttr());

  // The part: iterations [begin, end) of the linearised loop, the last
  // dimension fastest.
  Block *body = &part.getBody().front();
  IRMapping map;
  for (auto [value, arg] : llvm::zip(inputs, body->getArguments().drop_front(2)))
    map.map(value, arg);
  b.setInsertionPointToStart(body);
  for (Value c : constants)
    map.map(c, b.clone(*c.getDefiningOp())->getResult(0));
  auto inPart = [&](OpFoldResult r) {
    return map.lookupOrDefault(getValueOrCreateConstantIndexOp(b, loc, r));
  };
  SmallVector<Value> counts = tripCounts(b, loc, loop, inPart);
  SmallVector<Value> lbs = llvm::map_to_vector(loop.getMixedLowerBound(), inPart);
  SmallVector<Value> steps = llvm::map_to_vector(loop.getMixedStep(), inPart);
  Value one = b.create<arith::ConstantIndexOp>(loc, 1);
  auto iterations = b.create<scf::ForOp>(loc, body->getArgument(0),
                                         body->getArgument(1), one);
  b.setInsertionPointToStart(iterations.getBody());
  Value rest = iterations.getInductionVar();
  for (int64_t d = loop.getRank() - 1; d >= 0; --d) {
    Value i = d == 0 ? rest : b.create<arith::RemUIOp>(loc, rest, counts[d]);
    if (d > 0)
      rest = b.create<arith::DivUIOp>(loc, rest, counts[d]);
    Value iv = b.create<arith::AddIOp>(
        loc, lbs[d], b.create<arith::MulIOp>(loc, i, steps[d]));
    map.map(loop.getInductionVar(d), iv);
  }
  for (Operation &op : loop.getBody()->without_terminator())
    b.clone(op, map);
  b.setInsertionPointToEnd(body);
  b.create<func::ReturnOp>(loc);

  // The call: the runtime runs the iterations.
  b.setInsertionPoint(loop);
  auto inParent = [&](OpFoldResult r) {
    return getValueOrCreateConstantIndexOp(b, loc, r);
  };
  Value count = b.create<arith::ConstantIndexOp>(loc, 1);
  for (Value c : tripCounts(b, loc, loop, inParent))
    count = b.create<arith::MulIOp>(loc, count, c);
  SmallVector<Value> operands = {parallel, count};
  operands.append(inputs);
  auto dispatch = func::FuncOp::create(
      loc, part.getSymName().str() + "_parallel",
      b.getFunctionType(ValueRange(operands).getTypes(), {}));
  dispatch.setPrivate();
  SymbolTable(parent->getParentOp()).insert(dispatch, Block::iterator(parent));
  dispatch->setAttr(mlir::dl::kParallelPartAttr,
                    FlatSymbolRefAttr::get(part.getSymNameAttr()));
  b.create<func::CallOp>(loc, dispatch, operands);
  loop->erase();
}

struct OutlineParallelLoops
    : dlc::impl::OutlineParallelLoopsBase<OutlineParallelLoops> {
  void runOnOperation() override {
    OpBuilder b(&getContext());
    auto pointer = LLVM::LLVMPointerType::get(&getContext());
    SmallVector<func::FuncOp> entries;
    for (auto fn : getOperation().getOps<func::FuncOp>())
      if (fn.isPublic() && !fn.isExternal())
        entries.push_back(fn);
    for (func::FuncOp fn : entries) {
      fn.insertArgument(fn.getNumArguments(), pointer,
                        b.getDictionaryAttr(b.getNamedAttr(
                            mlir::dl::kParallelAttr, b.getStringAttr("parallel"))),
                        fn.getLoc());
      Value parallel = fn.getArguments().back();
      SmallVector<std::pair<unsigned, scf::ForallOp>> loops;
      for (auto [i, op] : llvm::enumerate(fn.getBody().front()))
        if (auto loop = dyn_cast<scf::ForallOp>(op);
            loop && loop.getOutputs().empty())
          loops.push_back({i, loop});
      for (auto [i, loop] : loops)
        outline(loop, fn, i, parallel, b);
    }
  }
};

} // namespace
