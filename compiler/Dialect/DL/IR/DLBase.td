//===- DLBase.td - The dl dialect and its common definitions -*- tablegen -*-===//
//
// The dl dialect holds a network as the .net language describes it: one op per
// language op, on ranked tensors whose first (batch) dimension is dynamic.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_DIALECT_DL_IR_DLBASE_TD
#define DLC_DIALECT_DL_IR_DLBASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"

def DL_Dialect : Dialect {
  let name = "dl";
  let cppNamespace = "::mlir::dl";
  let summary = "Deep-learning layers of the dlc network language";
  let description = [{
    Ops of the `.net` language (convolutions, dense layers, activations,
    pooling, normalisation, losses) on ranked tensors in NCHW layout. The
    batch dimension is dynamic; every other dimension is static. Parameters
    (weights, biases, running statistics) are function arguments named by a
    `dl.param` / `dl.buffer` argument attribute, so the runtime owns them.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::func::FuncDialect"];
  let hasOperationAttrVerify = 1;
  let hasRegionArgAttrVerify = 1;
  let hasRegionResultAttrVerify = 1;
  let hasConstantMaterializer = 0;
  let extraClassDeclaration = [{
    // Discardable attributes that carry the network interface.
    static constexpr ::llvm::StringLiteral kInputAttr = "dl.input";
    static constexpr ::llvm::StringLiteral kTargetAttr = "dl.target";
    static constexpr ::llvm::StringLiteral kParamAttr = "dl.param";
    static constexpr ::llvm::StringLiteral kBufferAttr = "dl.buffer";
    static constexpr ::llvm::StringLiteral kOutputAttr = "dl.output";
    static constexpr ::llvm::StringLiteral kNetworkAttr = "dl.network";
    static constexpr ::llvm::StringLiteral kOptimizerAttr = "dl.optimizer";
    // @train_step's optimizer state ("optimizer.fc1.weight.exp_avg") and
    // its scalar arguments ("lr", "step", "seed").
    static constexpr ::llvm::StringLiteral kStateAttr = "dl.state";
    static constexpr ::llvm::StringLiteral kScalarAttr = "dl.scalar";
    // Tensors computed from parameters only, once per parameter change
    // (dl-outline-prepare): results of @prepare, arguments of @forward; the
    // module lists their names and types.
    static constexpr ::llvm::StringLiteral kPreparedAttr = "dl.prepared";
  }];
}

class DL_Op<string mnemonic, list<Trait> traits = []>
    : Op<DL_Dialect, mnemonic, traits>;

// Activations and parameters are f32; class indices are i32.
def DL_FloatTensor : RankedTensorOf<[F32]>;
def DL_IndexTensor : RankedTensorOf<[I32]>;
def DL_Scalar : 0DTensorOf<[F32]>;
// A scalar operand whose type an assembly format need not spell.
def DL_ScalarOperand : 0DTensorOf<[F32]> {
  let builderCall = "::mlir::RankedTensorType::get({}, $_builder.getF32Type())";
}
// Training's step counter and RNG seed.
def DL_Counter : 0DTensorOf<[I64]> {
  let builderCall = "::mlir::RankedTensorType::get({}, $_builder.getI64Type())";
}
def DL_TargetTensor : RankedTensorOf<[F32, I32]>;

// An axis or offset: a signless i64 read as signed, so that `axis = -1`
// is -1 in verifiers and messages, not 2^64 - 1.
def DL_SignedI64Attr : TypedSignlessIntegerAttrBase<I64, "int64_t",
                                                    "64-bit signed integer attribute"> {
  let convertFromStorage = "$_self.getValue().getSExtValue()";
}
// A convolution's group count.
def DL_Groups : DefaultValuedAttr<ConfinedAttr<I64Attr, [IntPositive]>, "1">;
class DL_SignedI64Of<string v> : DefaultValuedAttr<DL_SignedI64Attr, v>;

// Two spatial values (height, width) for strides, padding, kernels.
def DL_Pair : ConfinedAttr<DenseI64ArrayAttr, [DenseArrayCount<2>]>;
class DL_PairOf<string v> : DefaultValuedAttr<DL_Pair, "{" # v # ", " # v # "}">;

#endif // DLC_DIALECT_DL_IR_DLBASE_TD
