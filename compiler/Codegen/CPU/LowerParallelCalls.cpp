//===- LowerParallelCalls.cpp - Parts of parallel loops to parallel_for ---===//
//
//   llvm.call @P_parallel(%parallel, %count, %a, %b) // dl.parallel_part = @P
// becomes
//   %args = llvm.alloca !llvm.struct<(a, b)>;  stores of %a, %b
//   %fn = llvm.load %parallel            // dlc_parallel::parallel_for
//   llvm.call %fn(%parallel, %count, @P_task, %args)
// with
//   llvm.func @P_task(%args, %begin, %end, %scratch) {
//     llvm.call @P(%begin, %end, loads of %a, %b, the scratch's memref)
//   }
//
//===----------------------------------------------------------------------===//

#include "compiler/Codegen/CPU/Passes.h"

namespace dlc {
#define GEN_PASS_DEF_LOWERPARALLELCALLS
#include "compiler/Codegen/CPU/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {

struct LowerParallelCalls
    : dlc::impl::LowerParallelCallsBase<LowerParallelCalls> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    auto ptr = LLVM::LLVMPointerType::get(ctx);
    auto i64 = IntegerType::get(ctx, 64);
    auto voidType = LLVM::LLVMVoidType::get(ctx);
    int64_t scratchBytes = 0;
    if (auto bytes = module->getAttrOfType<IntegerAttr>(mlir::dl::kScratchSizeAttr))
      scratchBytes = bytes.getInt();

    SmallVector<LLVM::LLVMFuncOp> dispatches;
    for (auto fn : module.getOps<LLVM::LLVMFuncOp>())
      if (fn.isExternal() &&
          fn->getAttrOfType<FlatSymbolRefAttr>(mlir::dl::kParallelPartAttr))
        dispatches.push_back(fn);
    // Their users, found in one walk of the module (one walk per part
    // made compiling ResNet-50 quadratic).
    DenseMap<StringAttr, SmallVector<Operation *>> usersOf;
    for (LLVM::LLVMFuncOp dispatch : dispatches)
      usersOf[dispatch.getSymNameAttr()];
    module.walk([&](Operation *op) {
      FlatSymbolRefAttr name;
      if (auto call = dyn_cast<LLVM::CallOp>(op))
        name = call.getCalleeAttr();
      else if (auto address = dyn_cast<LLVM::AddressOfOp>(op))
        name = address.getGlobalNameAttr();
      if (!name)
        return;
      auto users = usersOf.find(name.getAttr());
      if (users != usersOf.end())
        users->second.push_back(op);
    });
    SymbolTable symbols(module);
    for (LLVM::LLVMFuncOp dispatch : dispatches) {
      auto partName =
          dispatch->getAttrOfType<FlatSymbolRefAttr>(mlir::dl::kParallelPartAttr);
      auto part = symbols.lookup<LLVM::LLVMFuncOp>(partName.getValue());
      ArrayRef<Type> captured =
          dispatch.getFunctionType().getParams().drop_front(2);
      unsigned partParams = part ? part.getNumArguments() : 0;
      bool scratch = partParams == 2 + captured.size() + 5;
      if (!part || (!scratch && partParams != 2 + captured.size())) {
        dispatch.emitError("no part function ") << partName << " to call";
        return signalPassFailure();
      }
      auto args = LLVM::LLVMStructType::getLiteral(ctx, captured);

      // task(args, begin, end, scratch)
      OpBuilder b(dispatch);
      auto task = b.create<LLVM::LLVMFuncOp>(
          dispatch.getLoc(), (partName.getValue() + "_task").str(),
          LLVM::LLVMFunctionType::get(voidType, {ptr, i64, i64, ptr}),
          LLVM::Linkage::Internal);
      symbols.insert(task);
      Block *entry = task.addEntryBlock(b);
      b.setInsertionPointToStart(entry);
      SmallVector<Value> operands = {entry->getArgument(1), entry->getArgument(2)};
      for (auto [i, type] : llvm::enumerate(captured)) {
        Value field = b.create<LLVM::GEPOp>(
            task.getLoc(), ptr, args, entry->getArgument(0),
            ArrayRef<LLVM::GEPArg>{0, int32_t(i)});
        operands.push_back(b.create<LLVM::LoadOp>(task.getLoc(), type, field));
      }
      if (scratch) {
        // memref<?xi8>: allocated, aligned, offset, size, stride.
        auto constant = [&](int64_t v) -> Value {
          return b.create<LLVM::ConstantOp>(task.getLoc(), i64, v);
        };
        operands.append({entry->getArgument(3), entry->getArgument(3),
                         constant(0), constant(scratchBytes), constant(1)});
      }
      b.create<LLVM::CallOp>(task.getLoc(), part, operands);
      b.create<LLVM::ReturnOp>(task.getLoc(), ValueRange());

      for (Operation *user : usersOf[dispatch.getSymNameAttr()]) {
        auto call = dyn_cast<LLVM::CallOp>(user);
        if (!call) {
          user->emitError("a part of a parallel loop is not called");
          return signalPassFailure();
        }
        Location loc = call.getLoc();
        auto caller = call->getParentOfType<LLVM::LLVMFuncOp>();
        b.setInsertionPointToStart(&caller.getBody().front());
        Value one = b.create<LLVM::ConstantOp>(loc, i64, 1);
        Value buffer = b.create<LLVM::AllocaOp>(loc, ptr, args, one);
        b.setInsertionPoint(call);
        for (auto [i, v] : llvm::enumerate(call.getArgOperands().drop_front(2)))
          b.create<LLVM::StoreOp>(
              loc, v,
              b.create<LLVM::GEPOp>(loc, ptr, args, buffer,
                                    ArrayRef<LLVM::GEPArg>{0, int32_t(i)}));
        Value parallel = call.getArgOperands()[0];
        Value parallelFor = b.create<LLVM::LoadOp>(loc, ptr, parallel);
        Value taskAddress = b.create<LLVM::AddressOfOp>(loc, task);
        b.create<LLVM::CallOp>(
            loc, LLVM::LLVMFunctionType::get(voidType, {ptr, i64, ptr, ptr}),
            ValueRange{parallelFor, parallel, call.getArgOperands()[1],
                       taskAddress, buffer});
        call.erase();
      }
      dispatch.erase();
    }
    // The entry points' dl.parallel has done its work: LLVM IR has no
    // place for it.
    for (auto fn : module.getOps<LLVM::LLVMFuncOp>())
      for (unsigned i = 0; i < fn.getNumArguments(); ++i)
        fn.removeArgAttr(i, mlir::dl::kParallelAttr);
  }
};

} // namespace
