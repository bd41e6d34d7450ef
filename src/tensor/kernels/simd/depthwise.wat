;; Depthwise conv backprop kernels (channel multiplier 1, NHWC, f32) in WebAssembly SIMD.
;;
;; The module imports tfjs-backend-wasm's linear memory ("env" "memory"): every pointer argument is a
;; byte address in that heap. `scripts/build-wasm-kernels.mjs` assembles it twice (plain and shared
;; memory, for the multi-threaded build) into `depthwise_wasm.generated.ts`; run `npm run build:wasm`
;; after editing this file.
(module
  (import "env" "memory" (memory 1)) ;; MEMORY_IMPORT (the build script rewrites this line)

  ;; for j < nj, t < n:  c[j*sc + 4t] += a[j*sa + 4t] * b[j*sb + 4t]
  ;; (byte pointers and byte row steps; a step of 0 reuses one row for every j.)
  (func $mac (param $a i32) (param $sa i32) (param $b i32) (param $sb i32)
    (param $c i32) (param $sc i32) (param $nj i32) (param $n i32)
    (local $j i32) (local $t i32) (local $pa i32) (local $pb i32) (local $pc i32)
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_s (local.get $j) (local.get $nj)))
        (local.set $pa (i32.add (local.get $a) (i32.mul (local.get $j) (local.get $sa))))
        (local.set $pb (i32.add (local.get $b) (i32.mul (local.get $j) (local.get $sb))))
        (local.set $pc (i32.add (local.get $c) (i32.mul (local.get $j) (local.get $sc))))
        (local.set $t (i32.const 0))
        ;; 16 lanes a step
        (block $d16
          (loop $l16
            (br_if $d16 (i32.gt_s (i32.add (local.get $t) (i32.const 16)) (local.get $n)))
            (v128.store offset=0 align=4 (local.get $pc)
              (f32x4.add (v128.load offset=0 align=4 (local.get $pc))
                (f32x4.mul (v128.load offset=0 align=4 (local.get $pa)) (v128.load offset=0 align=4 (local.get $pb)))))
            (v128.store offset=16 align=4 (local.get $pc)
              (f32x4.add (v128.load offset=16 align=4 (local.get $pc))
                (f32x4.mul (v128.load offset=16 align=4 (local.get $pa)) (v128.load offset=16 align=4 (local.get $pb)))))
            (v128.store offset=32 align=4 (local.get $pc)
              (f32x4.add (v128.load offset=32 align=4 (local.get $pc))
                (f32x4.mul (v128.load offset=32 align=4 (local.get $pa)) (v128.load offset=32 align=4 (local.get $pb)))))
            (v128.store offset=48 align=4 (local.get $pc)
              (f32x4.add (v128.load offset=48 align=4 (local.get $pc))
                (f32x4.mul (v128.load offset=48 align=4 (local.get $pa)) (v128.load offset=48 align=4 (local.get $pb)))))
            (local.set $pa (i32.add (local.get $pa) (i32.const 64)))
            (local.set $pb (i32.add (local.get $pb) (i32.const 64)))
            (local.set $pc (i32.add (local.get $pc) (i32.const 64)))
            (local.set $t (i32.add (local.get $t) (i32.const 16)))
            (br $l16)))
        ;; 4 lanes a step
        (block $d4
          (loop $l4
            (br_if $d4 (i32.gt_s (i32.add (local.get $t) (i32.const 4)) (local.get $n)))
            (v128.store align=4 (local.get $pc)
              (f32x4.add (v128.load align=4 (local.get $pc))
                (f32x4.mul (v128.load align=4 (local.get $pa)) (v128.load align=4 (local.get $pb)))))
            (local.set $pa (i32.add (local.get $pa) (i32.const 16)))
            (local.set $pb (i32.add (local.get $pb) (i32.const 16)))
            (local.set $pc (i32.add (local.get $pc) (i32.const 16)))
            (local.set $t (i32.add (local.get $t) (i32.const 4)))
            (br $l4)))
        ;; scalar tail
        (block $d1
          (loop $l1
            (br_if $d1 (i32.ge_s (local.get $t) (local.get $n)))
            (f32.store (local.get $pc)
              (f32.add (f32.load (local.get $pc))
                (f32.mul (f32.load (local.get $pa)) (f32.load (local.get $pb)))))
            (local.set $pa (i32.add (local.get $pa) (i32.const 4)))
            (local.set $pb (i32.add (local.get $pb) (i32.const 4)))
            (local.set $pc (i32.add (local.get $pc) (i32.const 4)))
            (local.set $t (i32.add (local.get $t) (i32.const 1)))
            (br $l1)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $rows)))
  )

  ;; The first output column j >= 0 of a filter tap whose input column is j*s + off, and its end
  ;; (exclusive, <= ow); the tap is empty when end <= first.
  (func $firstCol (param $off i32) (param $s i32) (result i32)
    (if (result i32) (i32.lt_s (local.get $off) (i32.const 0))
      (then (i32.div_s (i32.add (i32.sub (i32.const 0) (local.get $off)) (i32.sub (local.get $s) (i32.const 1)))
        (local.get $s)))
      (else (i32.const 0))))
  (func $endCol (param $off i32) (param $s i32) (param $w i32) (param $ow i32) (result i32)
    (local $last i32)
    (local.set $last (i32.sub (i32.sub (local.get $w) (i32.const 1)) (local.get $off)))
    (if (result i32) (i32.lt_s (local.get $last) (i32.const 0))
      (then (i32.const 0))
      (else
        (select
          (local.get $ow)
          (i32.add (i32.div_s (local.get $last) (local.get $s)) (i32.const 1))
          (i32.lt_s (local.get $ow) (i32.add (i32.div_s (local.get $last) (local.get $s)) (i32.const 1)))))))

  ;; dW[kh, kw, c] = sum_{b, i, j} x[b, i*sh + kh*dh - pt, j*sw + kw*dw - pl, c] * dy[b, i, j, c]
  ;; `scratch` holds kh*kw*ow*c floats: one row accumulator per tap, summed over (b, i) in f32 and
  ;; reduced over the output columns in f64 at the end.
  (func (export "depthwiseFilterGrad")
    (param $x i32) (param $dy i32) (param $out i32) (param $scratch i32)
    (param $n i32) (param $h i32) (param $w i32) (param $ch i32) (param $oh i32) (param $ow i32)
    (param $kh i32) (param $kw i32) (param $sh i32) (param $sw i32) (param $dh i32) (param $dw i32)
    (param $pt i32) (param $pl i32)
    (local $b i32) (local $i i32) (local $th i32) (local $tw i32) (local $r i32) (local $off i32)
    (local $j0 i32) (local $j1 i32) (local $nj i32) (local $rowBytes i32) (local $acc i32)
    (local $xRow i32) (local $dyRow i32) (local $c i32) (local $j i32) (local $sum f64) (local $p i32)
    (local.set $rowBytes (i32.mul (i32.mul (local.get $ow) (local.get $ch)) (i32.const 4)))
    (memory.fill (local.get $scratch) (i32.const 0)
      (i32.mul (i32.mul (local.get $kh) (local.get $kw)) (local.get $rowBytes)))
    (local.set $b (i32.const 0))
    (block $b_done (loop $b_loop
      (br_if $b_done (i32.ge_s (local.get $b) (local.get $n)))
      (local.set $i (i32.const 0))
      (block $i_done (loop $i_loop
        (br_if $i_done (i32.ge_s (local.get $i) (local.get $oh)))
        (local.set $dyRow (i32.add (local.get $dy)
          (i32.mul (i32.mul (i32.add (i32.mul (local.get $b) (local.get $oh)) (local.get $i)) (local.get $ow))
            (i32.mul (local.get $ch) (i32.const 4)))))
        (local.set $th (i32.const 0))
        (block $th_done (loop $th_loop
          (br_if $th_done (i32.ge_s (local.get $th) (local.get $kh)))
          (local.set $r (i32.sub (i32.add (i32.mul (local.get $i) (local.get $sh)) (i32.mul (local.get $th) (local.get $dh)))
            (local.get $pt)))
          (if (i32.and (i32.ge_s (local.get $r) (i32.const 0)) (i32.lt_s (local.get $r) (local.get $h)))
            (then
              (local.set $xRow (i32.add (local.get $x)
                (i32.mul (i32.mul (i32.add (i32.mul (local.get $b) (local.get $h)) (local.get $r)) (local.get $w))
                  (i32.mul (local.get $ch) (i32.const 4)))))
              (local.set $tw (i32.const 0))
              (block $tw_done (loop $tw_loop
                (br_if $tw_done (i32.ge_s (local.get $tw) (local.get $kw)))
                (local.set $off (i32.sub (i32.mul (local.get $tw) (local.get $dw)) (local.get $pl)))
                (local.set $j0 (call $firstCol (local.get $off) (local.get $sw)))
                (local.set $j1 (call $endCol (local.get $off) (local.get $sw) (local.get $w) (local.get $ow)))
                (local.set $nj (i32.sub (local.get $j1) (local.get $j0)))
                (if (i32.gt_s (local.get $nj) (i32.const 0))
                  (then
                    ;; this tap's accumulator, from column j0
                    (local.set $acc (i32.add (local.get $scratch)
                      (i32.add (i32.mul (i32.add (i32.mul (local.get $th) (local.get $kw)) (local.get $tw)) (local.get $rowBytes))
                        (i32.mul (i32.mul (local.get $j0) (local.get $ch)) (i32.const 4)))))
                    (local.set $p (i32.add (local.get $xRow)
                      (i32.mul (i32.mul (i32.add (i32.mul (local.get $j0) (local.get $sw)) (local.get $off)) (local.get $ch))
                        (i32.const 4))))
                    (if (i32.eq (local.get $sw) (i32.const 1))
                      (then
                        ;; one contiguous run of nj*c values
                        (call $mac (local.get $p) (i32.const 0)
                          (i32.add (local.get $dyRow) (i32.mul (i32.mul (local.get $j0) (local.get $ch)) (i32.const 4)))
                          (i32.const 0) (local.get $acc) (i32.const 0)
                          (i32.const 1) (i32.mul (local.get $nj) (local.get $ch))))
                      (else
                        (call $mac (local.get $p) (i32.mul (i32.mul (local.get $sw) (local.get $ch)) (i32.const 4))
                          (i32.add (local.get $dyRow) (i32.mul (i32.mul (local.get $j0) (local.get $ch)) (i32.const 4)))
                          (i32.mul (local.get $ch) (i32.const 4))
                          (local.get $acc) (i32.mul (local.get $ch) (i32.const 4))
                          (local.get $nj) (local.get $ch))))))
                (local.set $tw (i32.add (local.get $tw) (i32.const 1)))
                (br $tw_loop)))))
          (local.set $th (i32.add (local.get $th) (i32.const 1)))
          (br $th_loop)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $i_loop)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $b_loop)))
    ;; out[tap, c] = sum_j acc[tap, j, c] (untouched columns hold zeros)
    (local.set $th (i32.const 0))
    (block $red_done (loop $red_loop
      (br_if $red_done (i32.ge_s (local.get $th) (i32.mul (local.get $kh) (local.get $kw))))
      (local.set $acc (i32.add (local.get $scratch) (i32.mul (local.get $th) (local.get $rowBytes))))
      (local.set $c (i32.const 0))
      (block $c_done (loop $c_loop
        (br_if $c_done (i32.ge_s (local.get $c) (local.get $ch)))
        (local.set $sum (f64.const 0))
        (local.set $p (i32.add (local.get $acc) (i32.mul (local.get $c) (i32.const 4))))
        (local.set $j (i32.const 0))
        (block $j_done (loop $j_loop
          (br_if $j_done (i32.ge_s (local.get $j) (local.get $ow)))
          (local.set $sum (f64.add (local.get $sum) (f64.promote_f32 (f32.load (local.get $p)))))
          (local.set $p (i32.add (local.get $p) (i32.mul (local.get $ch) (i32.const 4))))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $j_loop)))
        (f32.store
          (i32.add (local.get $out) (i32.mul (i32.add (i32.mul (local.get $th) (local.get $ch)) (local.get $c)) (i32.const 4)))
          (f32.demote_f64 (local.get $sum)))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $c_loop)))
      (local.set $th (i32.add (local.get $th) (i32.const 1)))
      (br $red_loop)))
  )

  ;; dx[b, i*sh + kh*dh - pt, j*sw + kw*dw - pl, c] += filter[kh, kw, c] * dy[b, i, j, c], a scatter
  ;; over every (b, i, tap) into `dx`, which it zeroes first.
  (func (export "depthwiseInputGrad")
    (param $dy i32) (param $filter i32) (param $dx i32)
    (param $n i32) (param $h i32) (param $w i32) (param $ch i32) (param $oh i32) (param $ow i32)
    (param $kh i32) (param $kw i32) (param $sh i32) (param $sw i32) (param $dh i32) (param $dw i32)
    (param $pt i32) (param $pl i32)
    (local $b i32) (local $i i32) (local $th i32) (local $tw i32) (local $r i32) (local $off i32)
    (local $j0 i32) (local $j1 i32) (local $nj i32) (local $px i32)
    (local $xRow i32) (local $dyRow i32) (local $c4 i32)
    (local.set $c4 (i32.mul (local.get $ch) (i32.const 4)))
    (memory.fill (local.get $dx) (i32.const 0)
      (i32.mul (i32.mul (i32.mul (local.get $n) (local.get $h)) (local.get $w)) (local.get $c4)))
    (local.set $b (i32.const 0))
    (block $b_done (loop $b_loop
      (br_if $b_done (i32.ge_s (local.get $b) (local.get $n)))
      (local.set $i (i32.const 0))
      (block $i_done (loop $i_loop
        (br_if $i_done (i32.ge_s (local.get $i) (local.get $oh)))
        (local.set $dyRow (i32.add (local.get $dy)
          (i32.mul (i32.mul (i32.add (i32.mul (local.get $b) (local.get $oh)) (local.get $i)) (local.get $ow))
            (local.get $c4))))
        (local.set $th (i32.const 0))
        (block $th_done (loop $th_loop
          (br_if $th_done (i32.ge_s (local.get $th) (local.get $kh)))
          (local.set $r (i32.sub (i32.add (i32.mul (local.get $i) (local.get $sh)) (i32.mul (local.get $th) (local.get $dh)))
            (local.get $pt)))
          (if (i32.and (i32.ge_s (local.get $r) (i32.const 0)) (i32.lt_s (local.get $r) (local.get $h)))
            (then
              (local.set $xRow (i32.add (local.get $dx)
                (i32.mul (i32.mul (i32.add (i32.mul (local.get $b) (local.get $h)) (local.get $r)) (local.get $w))
                  (local.get $c4))))
              (local.set $tw (i32.const 0))
              (block $tw_done (loop $tw_loop
                (br_if $tw_done (i32.ge_s (local.get $tw) (local.get $kw)))
                (local.set $off (i32.sub (i32.mul (local.get $tw) (local.get $dw)) (local.get $pl)))
                (local.set $j0 (call $firstCol (local.get $off) (local.get $sw)))
                (local.set $j1 (call $endCol (local.get $off) (local.get $sw) (local.get $w) (local.get $ow)))
                (local.set $nj (i32.sub (local.get $j1) (local.get $j0)))
                (if (i32.gt_s (local.get $nj) (i32.const 0))
                  (then
                    (local.set $px (i32.add (local.get $xRow)
                      (i32.mul (i32.add (i32.mul (local.get $j0) (local.get $sw)) (local.get $off)) (local.get $c4))))
                    (call $mac
                      (i32.add (local.get $dyRow) (i32.mul (local.get $j0) (local.get $c4))) (local.get $c4)
                      (i32.add (local.get $filter)
                        (i32.mul (i32.add (i32.mul (local.get $th) (local.get $kw)) (local.get $tw)) (local.get $c4)))
                      (i32.const 0)
                      (local.get $px) (i32.mul (local.get $sw) (local.get $c4))
                      (local.get $nj) (local.get $ch))))
                (local.set $tw (i32.add (local.get $tw) (i32.const 1)))
                (br $tw_loop)))))
          (local.set $th (i32.add (local.get $th) (i32.const 1)))
          (br $th_loop)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $i_loop)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $b_loop)))
  )
)
