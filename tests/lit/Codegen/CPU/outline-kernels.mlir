// RUN: dlc-opt %s --split-input-file --allow-unregistered-dialect --dlc-outline-kernels | FileCheck %s

// Tests that each loop nest of a public function becomes a private noinline
// function taking the memrefs and values it uses (constants are copied
// in), called in its place and named after the layer of its location;
// private functions and ops without regions stay. The aligned pointers of
// memrefs whose buffer no other argument shares are listed as noalias
// parameters (a memref is allocated pointer, aligned pointer, offset,
// sizes, strides: position 1, then 1 + 3 + 2 * rank, ...).
// CHECK-LABEL: func.func private @step_0(%{{.*}}: memref<?x4xf32>, %{{.*}}: memref<?x4xf32>)
// CHECK-SAME: attributes {passthrough = ["noinline", ["dlc-noalias-params", "1,8"]]}
// CHECK: linalg.copy
// CHECK-LABEL: func.func private @step_1_relu(%{{.*}}: index, %{{.*}}: memref<?x4xf32>)
// CHECK-SAME: ["dlc-noalias-params", "2"]
// CHECK-DAG: arith.constant 2.0
// CHECK-DAG: arith.constant 0 : index
// CHECK: scf.for
// CHECK: memref.store
// CHECK-LABEL: func.func @step(
// CHECK: call @step_0(%arg0, %arg1)
// CHECK: %[[N:.*]] = memref.dim
// CHECK: call @step_1_relu(%[[N]], %arg1)
// CHECK-LABEL: func.func private @other
// CHECK-NOT: call
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

func.func private @other(%a: memref<?x4xf32>, %b: memref<?x4xf32>) {
  linalg.copy ins(%a : memref<?x4xf32>) outs(%b : memref<?x4xf32>)
  return
}

// -----

// Tests that distinct views of the workspace are distinct buffers, that
// two views of one buffer (a subview and its base) are not noalias while
// the others of the kernel are, and that a kernel handed the workspace
// itself gets no noalias parameters.
// CHECK-LABEL: func.func private @forward_0(
// CHECK-SAME: %{{.*}}: memref<8x4xf32>, %{{.*}}: memref<8x4xf32>, %{{.*}}: memref<4x4xf32, strided<[4, 1]>>)
// CHECK-SAME: ["dlc-noalias-params", "1"]
// CHECK-LABEL: func.func private @forward_1(
// CHECK-SAME: passthrough = ["noinline"]}
func.func @forward(%ws: memref<?xi8> {dl.workspace = "workspace"}) {
  %c0 = arith.constant 0 : index
  %c128 = arith.constant 128 : index
  %a = memref.view %ws[%c0][] : memref<?xi8> to memref<8x4xf32>
  %b = memref.view %ws[%c128][] : memref<?xi8> to memref<8x4xf32>
  %b4 = memref.subview %b[0, 0] [4, 4] [1, 1] : memref<8x4xf32> to memref<4x4xf32, strided<[4, 1]>>
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>],
                  iterator_types = ["parallel", "parallel"]}
      ins(%a : memref<8x4xf32>) outs(%b : memref<8x4xf32>) {
  ^bb0(%x: f32, %y: f32):
    "test.use"(%b4) : (memref<4x4xf32, strided<[4, 1]>>) -> ()
    linalg.yield %x : f32
  }
  scf.for %i = %c0 to %c128 step %c128 {
    "test.use"(%ws, %a) : (memref<?xi8>, memref<8x4xf32>) -> ()
  }
  return
}
