#!/usr/bin/env python3
"""backprop_view_check.py - the backprop view's numbers, read from the window's --dump-text, against
`convscope backprop --json` for the same net, seed, probe and learning rate, and against each other:

  phase 2: the loss terms shown add up to the L shown (MSE: L = sum / n; cross-entropy: the one term
           that is not 0 is L); the outputs, the one-hot truth and L agree with the JSON;
  phase 3: dL/dy per class agrees with the JSON's grad_output;
  phase 5: the chosen filter's dL/dw cells agree with the JSON's grad_weight, and the weight's sum
           written out equals the gradient's cell shown;
  phase 6: new = old + change and change = -lr x dL/dw cell by cell (plain SGD), lr and the old and
           new weights agree with the JSON's weight and weight_after;
  phase 7: L before and after and the outputs after agree with the JSON.

A shown number is a rounded one: it agrees when it is within half a unit of its last digit (plus
the same for every shown number it was computed from).

usage: backprop_view_check.py BACKPROP.json PHASE2.json PHASE3.json PHASE5.json PHASE6.json PHASE7.json
       backprop_view_check.py walk BACKPROP.json DUMP...   (the phase titles of a walk forward then back)
"""
import json
import re
import sys
from decimal import Decimal, InvalidOperation

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg)


def load(path):
    with open(path, encoding="utf-8") as f:
        d = json.load(f)
    # a wrapped text is recorded with its line breaks: read it as one line
    for e in d[1:] if isinstance(d, list) else []:
        if "text" in e:
            e["text"] = e["text"].replace("\n", " ")
    return d


def number(text):
    """The shown text as (value, half a unit of its last digit)."""
    t = text.replace("\u2212", "-").replace("\u00b1", "").strip()
    mult = 1
    if t.endswith("k"):
        t, mult = t[:-1], 1000
    try:
        d = Decimal(t)
    except InvalidOperation:
        return None
    exp = d.as_tuple().exponent
    return float(d) * mult, 0.5 * float(Decimal(1).scaleb(exp)) * mult


def entries(dump, kind=None):
    return [e for e in dump[1:] if kind is None or e["kind"] == kind]


def centre(e):
    x, y, w, h = e["rect"]
    return x + w / 2, y + h / 2


def line_of(e):
    """The vertical centre of the box a text was fitted into: a label and its number share it."""
    x, y, w, h = e["fit"]
    return y + h / 2


def inside(e, box):
    cx, cy = centre(e)
    x, y, w, h = box
    return x <= cx <= x + w and y <= cy <= y + h


def find_text(dump, pattern):
    for e in entries(dump, "text"):
        if re.search(pattern, e["text"]):
            return e
    return None


def title_phase(dump):
    t = find_text(dump, r"^Phase \d of 7")
    return int(re.match(r"Phase (\d)", t["text"]).group(1)) if t else None


def table(dump, n_classes):
    """{column header: {row name: (value, half unit)}}, rows "0".."n-1" and "L"."""
    rows = {}
    for e in entries(dump, "text"):
        m = re.match(r"^(\d+) ", e["text"])
        if m and int(m.group(1)) < n_classes:
            rows[m.group(1)] = e["fit"]
        elif e["text"] == "L":
            rows["L"] = e["fit"]
    heads = {}
    for e in entries(dump, "text"):
        if e["text"] in ("output y", "truth t", "p", "(y\u2212t)\u00b2", "\u2212log p", "\u2202L/\u2202y",
                         "\u2202L/\u2202logit", "y after", "p after"):
            heads[e["text"]] = e["fit"]
    out = {h: {} for h in heads}
    for e in entries(dump, "value"):
        cx, cy = centre(e)
        for h, (x, _, w, _) in heads.items():
            if not x <= cx <= x + w:
                continue
            for r, (_, y, _, hh) in rows.items():
                if y <= cy <= y + hh:
                    out[h][r] = number(e["text"])
    return out


def close(shown, want, extra=0.0, what=""):
    if shown is None:
        fail(f"{what}: not shown")
        return
    v, hu = shown
    tol = hu + extra + 1e-6 * abs(want) + 1e-12
    if abs(v - want) > tol:
        fail(f"{what}: shown {v} (\u00b1{hu}), expected {want}")


def check_phase2(dump, bp):
    D = len(bp["output"])
    if title_phase(dump) != 2:
        fail("phase 2 dump: the title does not say Phase 2 of 7")
    t = table(dump, D)
    term_col = "(y\u2212t)\u00b2" if bp["loss_kind"] == "mse" else "\u2212log p"
    terms = t.get(term_col, {})
    if len([k for k in terms if k != "L"]) != D:
        fail(f"phase 2: {len(terms)} term cells for {D} classes")
        return
    L = terms.get("L")
    close(L, bp["loss"], what="phase 2: L against the JSON's loss")
    s = sum(terms[str(k)][0] for k in range(D))
    su = sum(terms[str(k)][1] for k in range(D))
    if bp["loss_kind"] == "mse":
        close(L, s / D, su / D, "phase 2: L against the shown terms' sum / n")
    else:
        close(L, s, su, "phase 2: L against the shown terms' sum (-log p_true)")
    for k in range(D):
        close(t["output y"].get(str(k)), bp["output"][k], what=f"phase 2: output y of class {k}")
        close(t["truth t"].get(str(k)), bp["target"][k], what=f"phase 2: truth t of class {k}")
        close(terms.get(str(k)), bp["loss_terms"][k], what=f"phase 2: loss term of class {k}")
    print(f"phase 2: {D} terms add up to L = {L[0]} (JSON {bp['loss']:.6g})")


def check_phase3(dump, bp):
    D = len(bp["output"])
    if title_phase(dump) != 3:
        fail("phase 3 dump: the title does not say Phase 3 of 7")
    t = table(dump, D)
    g = t.get("\u2202L/\u2202y", {})
    for k in range(D):
        close(g.get(str(k)), bp["grad_output"][k], what=f"phase 3: dL/dy of class {k}")
    print(f"phase 3: dL/dy of {D} classes agree")


def grid_values(dump, title_box, n):
    """The first n value cells under a title box, in reading order (rows of K)."""
    x, y, w, _ = title_box
    cells = [e for e in entries(dump, "value") if x <= centre(e)[0] <= x + w and centre(e)[1] > y]
    cells.sort(key=lambda e: (round(centre(e)[1]), centre(e)[0]))
    return [number(e["text"]) for e in cells[:n]]


def layer_of(bp, name):
    for ly in bp["layers"]:
        if ly["name"] == name:
            return ly
    return None


def check_phase5(dump, bp):
    if title_phase(dump) != 5:
        fail("phase 5 dump: the title does not say Phase 5 of 7")
    t = find_text(dump, r"^(\S+) filter (\d+): \u2202L/\u2202w")
    if not t:
        fail("phase 5: no filter title")
        return
    m = re.match(r"^(\S+) filter (\d+)", t["text"])
    ly, f = layer_of(bp, m.group(1)), int(m.group(2))
    OC, C, K, _ = ly["weight_shape"]
    n = K * K  # the first channel's grid
    want = ly["grad_weight"][f * C * K * K:f * C * K * K + n]
    got = grid_values(dump, t["fit"], n)
    if len(got) != n:
        fail(f"phase 5: {len(got)} cells under the filter's title, expected {n}")
        return
    for i in range(n):
        close(got[i], want[i], what=f"phase 5: {m.group(1)} filter {f} dL/dw cell {i}")
    # the sum written out for the chosen weight equals the gradient's cell
    w = find_text(dump, r"^\u2202L/\u2202w\[(\d+)\]\[(\d+)\]\[(\d+)\] = ")
    c, i, j = (int(v) for v in re.match(r"^\u2202L/\u2202w\[(\d+)\]\[(\d+)\]\[(\d+)\]", w["text"]).groups())
    whole, cell = find_text(dump, r"^the whole sum$"), find_text(dump, r"^the gradient's cell$")
    vals = entries(dump, "value")

    def right_of(label):
        y = line_of(label)
        cands = [e for e in vals if abs(line_of(e) - y) < 2 and e["rect"][0] > label["rect"][0]]
        return number(cands[0]["text"]) if cands else None
    s, g = right_of(whole), right_of(cell)
    exact = ly["grad_weight"][((f * C + c) * K + i) * K + j]
    close(s, exact, what=f"phase 5: the whole sum of w[{c}][{i}][{j}]")
    close(g, exact, what=f"phase 5: the gradient's cell w[{c}][{i}][{j}]")
    if s and g and s[0] != g[0]:
        fail(f"phase 5: the sum shown {s[0]} differs from the cell shown {g[0]}")
    print(f"phase 5: {n} cells of {m.group(1)} filter {f} agree; the sum of w[{c}][{i}][{j}] = the cell = {g[0] if g else None}")
    return (m.group(1), f, c, i, j)


def check_phase6(dump, bp):
    if title_phase(dump) != 6:
        fail("phase 6 dump: the title does not say Phase 6 of 7")
    t = find_text(dump, r"for (\S+) filter (\d+)")
    m = re.search(r"for (\S+) filter (\d+)", t["text"])
    ly, f = layer_of(bp, m.group(1)), int(m.group(2))
    OC, C, K, _ = ly["weight_shape"]
    n = K * K
    lr_label = find_text(dump, r"^learning rate lr$")
    y = line_of(lr_label)
    lr_e = [e for e in entries(dump, "value") if abs(line_of(e) - y) < 2]
    if not lr_e:
        fail("phase 6: no learning rate on the line of its label")
        return
    lr = number(lr_e[0]["text"])
    close(lr, bp["lr"], what="phase 6: the learning rate")
    heads = {}
    for e in entries(dump, "text"):
        if e["text"] in ("old w", "\u2202L/\u2202w", "\u2212lr \u00b7 \u2202L/\u2202w", "new w"):
            heads[e["text"]] = grid_values(dump, e["fit"], n)
    if len(heads) != 4 or any(len(v) != n for v in heads.values()):
        fail(f"phase 6: grids found {[(k, len(v)) for k, v in heads.items()]}")
        return
    old, g, step, new = (heads[k] for k in ("old w", "\u2202L/\u2202w", "\u2212lr \u00b7 \u2202L/\u2202w", "new w"))
    base = f * C * K * K
    for i in range(n):
        close(old[i], ly["weight"][base + i], what=f"phase 6: old w cell {i}")
        close(new[i], ly["weight_after"][base + i], what=f"phase 6: new w cell {i}")
        close(g[i], ly["grad_weight"][base + i], what=f"phase 6: dL/dw cell {i}")
        # the arithmetic on screen: change = -lr x gradient, new = old + change
        close(step[i], -lr[0] * g[i][0], lr[0] * g[i][1], f"phase 6: change cell {i} against -lr x the shown gradient")
        close(new[i], old[i][0] + step[i][0], old[i][1] + step[i][1], f"phase 6: new cell {i} against old + change")
    print(f"phase 6: {n} cells of {m.group(1)} filter {f}: new = old \u2212 lr \u00d7 gradient with lr = {lr[0]}")


def check_phase7(dump, bp):
    D = len(bp["output"])
    if title_phase(dump) != 7:
        fail("phase 7 dump: the title does not say Phase 7 of 7")
    t = table(dump, D)
    close(t["output y"].get("L"), bp["loss"], what="phase 7: L before")
    close(t["y after"].get("L"), bp["loss_after"], what="phase 7: L after")
    for k in range(D):
        close(t["y after"].get(str(k)), bp["output_after"][k], what=f"phase 7: y after of class {k}")
    print(f"phase 7: L {bp['loss']:.6g} -> {bp['loss_after']:.6g} and {D} outputs after agree")


def check_walk(bp, dumps):
    """Forward from phase 1 to the end, then back to phase 1, one dump per press."""
    phases = [title_phase(load(p)) for p in dumps]
    n_layers = len(bp["layers"])
    fwd = [1, 2, 3] + [4] * n_layers + [5, 6, 7]
    want = fwd + fwd[-2::-1]
    if phases != want:
        fail(f"walk: phases {phases}, expected {want}")
    else:
        print(f"walk: {len(phases)} presses, phase 4 one layer a press ({n_layers} layers), and back")


def check_sum(bp, a, b, c):
    """Phase 5's stepping. The view opens on conv1's strongest filter (l moves to the next conv
    layer's filter 0), at the weight of channel 0 with the largest |dL/dw| (a sum with something
    in it); three terms forward and one back show 2 terms of
    it; with zeros skipped one press shows up to the next term that is not 0; ] moves to the next
    weight in raster order with no term shown."""
    def terms(d):
        t = find_text(d, r"^sum of (\d+) terms: ")
        return int(re.match(r"^sum of (\d+) terms", t["text"]).group(1)) if t else None

    def weight(d):
        t = find_text(d, r"^\u2202L/\u2202w\[\d+\]\[\d+\]\[\d+\] = ")
        m = re.match(r"^\u2202L/\u2202w\[(\d+)\]\[(\d+)\]\[(\d+)\]", t["text"]) if t else None
        return tuple(int(v) for v in m.groups()) if m else None

    t = find_text(a, r"^(\S+) filter (\d+): \u2202L/\u2202w")
    if not t:
        fail("sum: no filter title")
        return
    m = re.match(r"^(\S+) filter (\d+)", t["text"])
    ly, f = layer_of(bp, m.group(1)), int(m.group(2))
    OC, C, K, _ = ly["weight_shape"]
    g = ly["grad_weight"]
    # the strongest filter (sum of squares of its dL/dw), unless the one asked for has a quarter of it
    norms = [sum(v * v for v in g[o * C * K * K:(o + 1) * C * K * K]) for o in range(OC)]
    first_conv = next(x for x in bp["layers"] if x.get("weight_shape") and len(x["weight_shape"]) == 4)
    if ly is first_conv and norms[f] < 0.25 * max(norms) - 1e-12:  # as the view opens; l picks filter 0
        fail(f"sum: filter {f} shown, its |dL/dw|^2 {norms[f]:.3g} is under a quarter of the strongest's {max(norms):.3g}")
    first = g[f * C * K * K:f * C * K * K + K * K]
    best = max(range(K * K), key=lambda i: (abs(first[i]), -i))
    start = (0, best // K, best % K)
    if terms(a) != 2 or weight(a) != start:
        fail(f"sum: after 3 terms forward and 1 back: {terms(a)} terms of {weight(a)}, expected 2 of {start}")
    t = find_text(b, r"^term (\d+) of (\d+) \(y \d+, x \d+\): .* = (\S+)$")
    if terms(b) is None or terms(b) <= 2 or not t:
        fail(f"sum: with zeros skipped, {terms(b)} terms shown")
    else:
        k, n = (int(v) for v in re.match(r"^term (\d+) of (\d+)", t["text"]).groups())
        p = number(re.search(r"= (\S+)$", t["text"]).group(1))
        if k != terms(b) or (p is not None and p[0] == 0 and k < n):
            fail(f"sum: the term shown after skipping zeros is {t['text']}")
    nxt = start[0] * K * K + start[1] * K + start[2] + 1
    want_c = (nxt // (K * K), nxt // K % K, nxt % K)
    if terms(c) != 0 or weight(c) != want_c:
        fail(f"sum: after ]: {terms(c)} terms of {weight(c)}, expected 0 of {want_c}")
    print(f"sum: filter {f}, weight {start} (largest |dL/dw| of channel 0): term by term ({terms(a)}), "
          f"zeros skipped (to term {terms(b)}), next weight {weight(c)}")


def main():
    if len(sys.argv) == 6 and sys.argv[1] == "sum":
        check_sum(load(sys.argv[2]), *(load(p) for p in sys.argv[3:]))
    elif len(sys.argv) >= 3 and sys.argv[1] == "walk":
        check_walk(load(sys.argv[2]), sys.argv[3:])
    elif len(sys.argv) == 7:
        bp = load(sys.argv[1])
        d = [load(p) for p in sys.argv[2:]]
        check_phase2(d[0], bp)
        check_phase3(d[1], bp)
        check_phase5(d[2], bp)
        check_phase6(d[3], bp)
        check_phase7(d[4], bp)
    else:
        print(__doc__)
        return 2
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
