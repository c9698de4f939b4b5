// RUN: dlc-opt %s --dlc-outline-kernels="function=step min-kernels=1" | FileCheck %s
// RUN: dlc-opt %s --dlc-outline-kernels="function=step min-kernels=2" | FileCheck %s --check-prefix=FEW

// Tests that each loop nest of the function becomes a private noinline
// function taking the memrefs and values it uses (constants are copied
// in), called in its place and named after the layer of its location;
// other functions and ops without regions stay.
// CHECK-LABEL: func.func private @step_0(%{{.*}}: memref<?x4xf32>, %{{.*}}: memref<?x4xf32>)
// CHECK-SAME: attributes {passthrough = ["noinline"]}
// CHECK: linalg.copy
// CHECK-LABEL: func.func private @step_1_relu(%{{.*}}: index, %{{.*}}: memref<?x4xf32>)
// CHECK-DAG: arith.constant 2.0
// CHECK-DAG: arith.constant 0 : index
// CHECK: scf.for
// CHECK: memref.store
// CHECK-LABEL: func.func @step(
// CHECK: call @step_0(%arg0, %arg1)
// CHECK: %[[N:.*]] = memref.dim
// CHECK: call @step_1_relu(%[[N]], %arg1)
// CHECK-LABEL: func.func @other
// CHECK-NOT: call
// FEW-NOT: call
#relu = loc("relu")
func.func @step(%a: memref<?x4xf32>, %b: memref<?x4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %s = arith.constant 2.0 : f32
  linalg.copy ins(%a : memref<?x4xf32>) outs(%b : memref<?x4xf32>)
  %n = memref.dim %a, %c0 : memref<?x4xf32>
  scf.for %i = %c0 to %n step %c1 {
    memref.store %s, %b[%i, %c0] : memref<?x4xf32>
  } loc(#relu)
  return
}

func.func @other(%a: memref<?x4xf32>, %b: memref<?x4xf32>) {
  linalg.copy ins(%a : memref<?x4xf32>) outs(%b : memref<?x4xf32>)
  return
}
