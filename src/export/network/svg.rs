//! A picture of the entity network: a static SVG with a force-directed layout.
//!
//! [`write_svg`] draws the nodes as circles coloured by kind, with an area that grows with their
//! mentions, the edges as grey lines under them (with arrowheads when directed), the labels of
//! the most-mentioned nodes, a legend of the kinds present and a caption, on a fixed
//! 1600 × 1200 canvas.
//!
//! The layout is ForceAtlas2-like and written by hand: nodes repel each other in proportion to
//! their degrees, edges pull their ends together (harder, logarithmically, when heavier), and a
//! weak gravity holds each connected component together. Components are laid out one at a time
//! and then packed along a spiral, largest first, so that small components and isolated nodes
//! sit around the largest one instead of drifting off. Large components use a Barnes–Hut
//! quadtree for the repulsion, so a few thousand nodes still lay out in well under a second.
//!
//! Invariant: the picture is a function of the network alone. Starting positions come from a
//! hash of each node id, every loop runs in node or edge order, no hash map is iterated and no
//! clock or random source is read, so the same network always gives byte-identical SVG. Every
//! text taken from the network is XML-escaped, with control characters replaced by spaces, so
//! labels can never turn into markup.

use super::{colour, Network};
use crate::error::{Error, Result};
use crate::text::escape::xml_attr;
use std::collections::BTreeMap;
use std::io::{self, BufWriter, Write};

/// The canvas width in pixels.
const WIDTH: f64 = 1600.0;
/// The canvas height in pixels.
const HEIGHT: f64 = 1200.0;
/// The box node centres are fitted into (left, top, right, bottom), which leaves room for the
/// legend above and the caption below.
const PLOT: [f64; 4] = [60.0, 90.0, 1540.0, 1130.0];
/// The band that labels must stay inside (top and bottom), clear of the legend and caption.
const LABEL_BAND: [f64; 2] = [62.0, 1168.0];
/// The radius of a node without mentions.
const MIN_RADIUS: f64 = 3.5;
/// The radius of the most-mentioned node.
const MAX_RADIUS: f64 = 24.0;
/// The largest share of the plot box that node circles may cover together.
const NODE_AREA: f64 = 0.12;
/// The smallest gap kept between two node circles, in pixels.
const NODE_GAP: f64 = 1.5;
/// How many nodes get a visible label.
const LABELLED: usize = 25;
/// Visible labels longer than this many characters are shortened with an ellipsis.
const LABEL_CHARS: usize = 40;
/// The number of simulation steps for a component of up to 1000 nodes (larger ones get fewer).
const ITERATIONS: usize = 500;
/// The strength of the repulsion between two nodes.
const REPULSION: f64 = 1.0;
/// The strength of the pull of each component towards its centre.
const GRAVITY: f64 = 0.2;
/// The fraction of the force (divided by the node's mass) that a node moves by in one step.
const STEP: f64 = 0.3;
/// Components with more nodes than this use the Barnes–Hut approximation for repulsion.
const EXACT_LIMIT: usize = 400;
/// The Barnes–Hut opening angle: a cell is treated as one body when its size is less than this
/// fraction of its distance.
const THETA: f64 = 1.0;
/// The gap left between packed components, as a multiple of the typical distance between a
/// node of the largest component and its nearest neighbour.
const COMPONENT_GAP: f64 = 1.5;
/// The shortest typical edge length of a small component, as a multiple of the same distance.
const SMALL_EDGE: f64 = 2.5;
/// The largest number of pixels one layout unit may be stretched to, so that tiny networks are
/// not blown up to the whole canvas.
const MAX_SCALE: f64 = 45.0;
/// How much more one axis may be stretched than the other to fill the canvas.
const MAX_STRETCH: f64 = 1.2;
/// The order of the kinds in the legend; other kinds follow alphabetically.
const KIND_ORDER: [&str; 6] = [
    "Person",
    "Organisation",
    "Place",
    "Event",
    "Work",
    "Document",
];
/// The font stack of all text.
const FONT: &str = "Helvetica, Arial, sans-serif";

/// An edge between two node indices, with the strength of its pull.
#[derive(Debug, Clone, Copy)]
struct Link {
    a: usize,
    b: usize,
    pull: f64,
}

/// One connected component during layout.
struct Part {
    /// Its nodes, as indices into the network, in increasing order.
    nodes: Vec<usize>,
    /// Their positions relative to the centre of the component, in layout units.
    pos: Vec<[f64; 2]>,
    /// The median length of its edges, if it has any.
    edge: Option<f64>,
    /// The radius of the circle it needs when packed, gap included.
    reach: f64,
}

/// Where everything goes on the canvas: node centres and radii in pixels.
struct Scene {
    pos: Vec<[f64; 2]>,
    radius: Vec<f64>,
}

/// A placed label: the node it names, where its text goes, its anchor and font size.
struct Label {
    node: usize,
    x: f64,
    y: f64,
    anchor: &'static str,
    size: f64,
    text: String,
}

/// An axis-aligned box (left, top, right, bottom).
type Rect = [f64; 4];

/// Writes the network as an SVG picture.
pub fn write_svg(network: &Network, out: &mut dyn Write) -> Result<()> {
    let mut out = BufWriter::new(out);
    render(network, &mut out)
        .and_then(|()| out.flush())
        .map_err(Error::Output)
}

/// Computes the layout and writes the whole document.
fn render(network: &Network, out: &mut dyn Write) -> io::Result<()> {
    let index: BTreeMap<&str, usize> = network
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id.as_str(), i))
        .collect();
    let links = links(network, &index);
    let scene = scene(network, &links);

    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="{FONT}">"#
    )?;
    writeln!(
        out,
        "<desc>Entity network: {} nodes, {} edges. Force-directed layout.</desc>",
        network.nodes.len(),
        network.edges.len()
    )?;
    writeln!(out, "<defs>")?;
    writeln!(
        out,
        r##"<marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="9" markerHeight="9" markerUnits="userSpaceOnUse" orient="auto"><path d="M0,1 L10,5 L0,9 z" fill="#555"/></marker>"##
    )?;
    writeln!(out, "</defs>")?;
    writeln!(out, r##"<rect width="100%" height="100%" fill="#fff"/>"##)?;
    write_edges(network, &index, &scene, out)?;
    write_nodes(network, &scene, out)?;
    write_labels(network, &scene, out)?;
    write_legend(network, out)?;
    write_caption(network, out)?;
    writeln!(out, "</svg>")
}

/// The edges that take part in the layout: both ends known, not loops.
fn links(network: &Network, index: &BTreeMap<&str, usize>) -> Vec<Link> {
    network
        .edges
        .iter()
        .filter_map(|e| {
            let (a, b) = (
                *index.get(e.source.as_str())?,
                *index.get(e.target.as_str())?,
            );
            (a != b).then(|| Link {
                a,
                b,
                pull: 1.0 + (e.weight.max(1) as f64).ln(),
            })
        })
        .collect()
}

/// Lays the network out and fits it onto the canvas.
fn scene(network: &Network, links: &[Link]) -> Scene {
    let max_mentions = network.nodes.iter().map(|n| n.mentions).max().unwrap_or(0);
    let radius: Vec<f64> = network
        .nodes
        .iter()
        .map(|n| {
            if max_mentions == 0 {
                MIN_RADIUS
            } else {
                let share = (n.mentions as f64 / max_mentions as f64).sqrt();
                MIN_RADIUS + (MAX_RADIUS - MIN_RADIUS) * share
            }
        })
        .collect();
    // Crowded networks get smaller circles, so that they cover at most a share of the plot.
    let area: f64 = radius.iter().map(|r| std::f64::consts::PI * r * r).sum();
    let budget = NODE_AREA * (PLOT[2] - PLOT[0]) * (PLOT[3] - PLOT[1]);
    let shrink = if area > budget {
        (budget / area).sqrt()
    } else {
        1.0
    };
    let radius: Vec<f64> = radius.iter().map(|r| (r * shrink).max(1.5)).collect();
    let seeds: Vec<u64> = network.nodes.iter().map(|n| fnv1a(&n.id)).collect();
    let layout = layout(&seeds, links);
    let mut pos = fit(&layout);
    separate(&mut pos, &radius);
    Scene { pos, radius }
}

/// The 64-bit FNV-1a hash of a string, used to seed starting positions.
fn fnv1a(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Lays out every connected component and packs them together, in layout units.
fn layout(seeds: &[u64], links: &[Link]) -> Vec<[f64; 2]> {
    let n = seeds.len();
    // Union–find over the links; the root of each component is its smallest node index.
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for l in links {
        let (ra, rb) = (root(&mut parent, l.a), root(&mut parent, l.b));
        if ra != rb {
            parent[ra.max(rb)] = ra.min(rb);
        }
    }
    let mut members: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..n {
        let r = root(&mut parent, i);
        members.entry(r).or_default().push(i);
    }
    let mut component_links: BTreeMap<usize, Vec<Link>> = BTreeMap::new();
    // The index of each node within its own component.
    let mut local = vec![0; n];
    for nodes in members.values() {
        for (k, &i) in nodes.iter().enumerate() {
            local[i] = k;
        }
    }
    for l in links {
        let r = root(&mut parent, l.a);
        component_links.entry(r).or_default().push(Link {
            a: local[l.a],
            b: local[l.b],
            ..*l
        });
    }

    // Lay out each component around its own centre.
    let mut parts: Vec<Part> = members
        .into_iter()
        .map(|(r, nodes)| {
            let part_seeds: Vec<u64> = nodes.iter().map(|&i| seeds[i]).collect();
            let part_links = component_links.remove(&r).unwrap_or_default();
            let mut pos = simulate(&part_seeds, &part_links);
            let k = pos.len() as f64;
            let cx = pos.iter().map(|p| p[0]).sum::<f64>() / k;
            let cy = pos.iter().map(|p| p[1]).sum::<f64>() / k;
            for p in &mut pos {
                p[0] -= cx;
                p[1] -= cy;
            }
            level(&mut pos);
            let edge = median_length(&pos, &part_links);
            Part {
                nodes,
                pos,
                edge,
                reach: 0.0,
            }
        })
        .collect();
    // Small components come out of the simulation much tighter than large ones, whose many
    // nodes push each other apart; they are enlarged so that their edges are a few times the
    // typical spacing of the largest component and stay visible between their circles.
    let spacing = parts
        .iter()
        .max_by(|a, b| {
            a.nodes
                .len()
                .cmp(&b.nodes.len())
                .then(b.nodes[0].cmp(&a.nodes[0]))
        })
        .and_then(|p| median_spacing(&p.pos))
        .unwrap_or(1.0);
    for part in &mut parts {
        let grow = part
            .edge
            .map_or(1.0, |l| (SMALL_EDGE * spacing / l).clamp(1.0, 8.0));
        for p in &mut part.pos {
            p[0] *= grow;
            p[1] *= grow;
        }
        let reach = part
            .pos
            .iter()
            .map(|p| p[0].hypot(p[1]))
            .fold(0.0, f64::max);
        part.reach = reach + COMPONENT_GAP * spacing;
    }
    // Largest first; ties keep the order of the smallest node index.
    parts.sort_by(|a, b| {
        b.reach
            .total_cmp(&a.reach)
            .then(a.nodes[0].cmp(&b.nodes[0]))
    });
    let radii: Vec<f64> = parts.iter().map(|p| p.reach).collect();
    let centres = pack(&radii);

    let mut out = vec![[0.0; 2]; n];
    for (part, c) in parts.iter().zip(&centres) {
        for (&i, p) in part.nodes.iter().zip(&part.pos) {
            out[i] = [c[0] + p[0], c[1] + p[1]];
        }
    }
    out
}

/// Rotates centred positions so that the main axis of their spread is horizontal, which suits
/// the wide canvas.
fn level(pos: &mut [[f64; 2]]) {
    let (mut xx, mut xy, mut yy) = (0.0, 0.0, 0.0);
    for p in pos.iter() {
        xx += p[0] * p[0];
        xy += p[0] * p[1];
        yy += p[1] * p[1];
    }
    // The angle of the main axis of the covariance matrix.
    let angle = 0.5 * (2.0 * xy).atan2(xx - yy);
    let (sin, cos) = angle.sin_cos();
    for p in pos.iter_mut() {
        *p = [p[0] * cos + p[1] * sin, p[1] * cos - p[0] * sin];
    }
}

/// The median length of the links of a component, if it has any.
fn median_length(pos: &[[f64; 2]], links: &[Link]) -> Option<f64> {
    let mut lengths: Vec<f64> = links
        .iter()
        .map(|l| (pos[l.a][0] - pos[l.b][0]).hypot(pos[l.a][1] - pos[l.b][1]))
        .collect();
    lengths.sort_by(f64::total_cmp);
    lengths
        .get(lengths.len() / 2)
        .copied()
        .filter(|&l| l > 1e-9)
}

/// The median distance from a node to its nearest neighbour, if there are two nodes or more.
fn median_spacing(pos: &[[f64; 2]]) -> Option<f64> {
    let mut order: Vec<usize> = (0..pos.len()).collect();
    order.sort_by(|&a, &b| pos[a][0].total_cmp(&pos[b][0]).then(a.cmp(&b)));
    let mut nearest: Vec<f64> = Vec::with_capacity(pos.len());
    for (k, &i) in order.iter().enumerate() {
        // Scan outwards in x order until the x gap alone exceeds the best distance.
        let mut best = f64::MAX;
        for &j in &order[k + 1..] {
            if pos[j][0] - pos[i][0] > best {
                break;
            }
            best = best.min((pos[j][0] - pos[i][0]).hypot(pos[j][1] - pos[i][1]));
        }
        for &j in order[..k].iter().rev() {
            if pos[i][0] - pos[j][0] > best {
                break;
            }
            best = best.min((pos[j][0] - pos[i][0]).hypot(pos[j][1] - pos[i][1]));
        }
        if best < f64::MAX {
            nearest.push(best);
        }
    }
    nearest.sort_by(f64::total_cmp);
    nearest
        .get(nearest.len() / 2)
        .copied()
        .filter(|&d| d > 1e-9)
}

/// Runs the force simulation for one connected component, in local indices.
fn simulate(seeds: &[u64], links: &[Link]) -> Vec<[f64; 2]> {
    let n = seeds.len();
    if n < 2 {
        return vec![[0.0, 0.0]; n];
    }
    // A node's mass is one more than its degree, as in ForceAtlas2: hubs repel harder and are
    // moved less by each single force.
    let mut mass = vec![1.0_f64; n];
    for l in links {
        mass[l.a] += 1.0;
        mass[l.b] += 1.0;
    }
    // An edge between two hubs pulls harder, or their strong mutual repulsion would stretch it
    // far beyond the size of the stars around them.
    let pulls: Vec<f64> = links
        .iter()
        .map(|l| l.pull * mass[l.a].min(mass[l.b]).sqrt())
        .collect();
    let spread = (REPULSION * mass.iter().sum::<f64>()).sqrt();
    let unit = |bits: u64| (bits & 0xffff_ffff) as f64 / 4_294_967_296.0 * 2.0 - 1.0;
    let mut pos: Vec<[f64; 2]> = seeds
        .iter()
        .map(|&h| [unit(h) * spread, unit(h >> 32) * spread])
        .collect();
    let mut force = vec![[0.0; 2]; n];
    let mut temperature = spread / 4.0;
    // The temperature caps how far a node may move in one step; it falls to a thousandth.
    // Very large components get fewer steps, so the time grows little faster than their size.
    let steps = if n <= 1000 {
        ITERATIONS
    } else {
        ((ITERATIONS as f64 * (1000.0 / n as f64).sqrt()) as usize).max(ITERATIONS / 4)
    };
    let cooling = 0.001_f64.powf(1.0 / steps as f64);
    let mut cells = Vec::new();
    for _ in 0..steps {
        force.fill([0.0; 2]);
        if n <= EXACT_LIMIT {
            repel_exact(&pos, &mass, &mut force);
        } else {
            repel_tree(&pos, &mass, &mut force, &mut cells);
        }
        for (l, pull) in links.iter().zip(&pulls) {
            let dx = pull * (pos[l.b][0] - pos[l.a][0]);
            let dy = pull * (pos[l.b][1] - pos[l.a][1]);
            force[l.a][0] += dx;
            force[l.a][1] += dy;
            force[l.b][0] -= dx;
            force[l.b][1] -= dy;
        }
        for ((p, f), m) in pos.iter_mut().zip(&force).zip(&mass) {
            let d = p[0].hypot(p[1]);
            let (mut sx, mut sy) = (f[0], f[1]);
            if d > 1e-9 {
                sx -= GRAVITY * m * p[0] / d;
                sy -= GRAVITY * m * p[1] / d;
            }
            sx *= STEP / m;
            sy *= STEP / m;
            let len = sx.hypot(sy);
            if len > temperature {
                sx *= temperature / len;
                sy *= temperature / len;
            }
            p[0] += sx;
            p[1] += sy;
        }
        temperature *= cooling;
    }
    pos
}

/// The repulsion between two bodies, as a force on the first: `strength / distance` away from
/// the second (with a floor on the distance so coincident bodies stay finite).
fn push(dx: f64, dy: f64, strength: f64) -> [f64; 2] {
    let d2 = (dx * dx + dy * dy).max(1e-4);
    [strength * dx / d2, strength * dy / d2]
}

/// Adds the repulsion of every pair of nodes.
fn repel_exact(pos: &[[f64; 2]], mass: &[f64], force: &mut [[f64; 2]]) {
    for i in 0..pos.len() {
        for j in i + 1..pos.len() {
            let f = push(
                pos[i][0] - pos[j][0],
                pos[i][1] - pos[j][1],
                REPULSION * mass[i] * mass[j],
            );
            force[i][0] += f[0];
            force[i][1] += f[1];
            force[j][0] -= f[0];
            force[j][1] -= f[1];
        }
    }
}

/// A square cell of the Barnes–Hut quadtree.
struct Cell {
    centre: [f64; 2],
    half: f64,
    mass: f64,
    /// The mass-weighted sum of the positions of the bodies inside while the tree is built,
    /// their centre of mass once it is complete.
    moment: [f64; 2],
    /// The single body of a leaf, if any.
    body: Option<usize>,
    /// The four children of an inner cell, as indices into the arena.
    children: Option<[usize; 4]>,
}

/// Adds the repulsion of every node on every other, approximating far groups by their centre.
fn repel_tree(pos: &[[f64; 2]], mass: &[f64], force: &mut [[f64; 2]], cells: &mut Vec<Cell>) {
    let (mut lo, mut hi) = ([f64::MAX; 2], [f64::MIN; 2]);
    for p in pos {
        for k in 0..2 {
            lo[k] = lo[k].min(p[k]);
            hi[k] = hi[k].max(p[k]);
        }
    }
    let half = ((hi[0] - lo[0]).max(hi[1] - lo[1]) / 2.0).max(1e-6) * 1.0001;
    let centre = [(lo[0] + hi[0]) / 2.0, (lo[1] + hi[1]) / 2.0];
    cells.clear();
    cells.push(Cell::new(centre, half));
    for i in 0..pos.len() {
        insert(cells, pos, mass, i);
    }
    for cell in cells.iter_mut().filter(|c| c.mass > 0.0) {
        cell.moment = [cell.moment[0] / cell.mass, cell.moment[1] / cell.mass];
    }
    let mut stack = Vec::new();
    for (i, p) in pos.iter().enumerate() {
        stack.push(0);
        while let Some(c) = stack.pop() {
            let cell = &cells[c];
            if cell.mass == 0.0 || cell.body == Some(i) {
                continue;
            }
            let (dx, dy) = (p[0] - cell.moment[0], p[1] - cell.moment[1]);
            let size = 2.0 * cell.half;
            match cell.children {
                Some(children) if size * size >= THETA * THETA * (dx * dx + dy * dy) => {
                    stack.extend(children);
                }
                _ => {
                    let f = push(dx, dy, REPULSION * mass[i] * cell.mass);
                    force[i][0] += f[0];
                    force[i][1] += f[1];
                }
            }
        }
    }
}

impl Cell {
    fn new(centre: [f64; 2], half: f64) -> Cell {
        Cell {
            centre,
            half,
            mass: 0.0,
            moment: [0.0; 2],
            body: None,
            children: None,
        }
    }
}

/// Inserts body `i` into the quadtree rooted at cell 0.
fn insert(cells: &mut Vec<Cell>, pos: &[[f64; 2]], mass: &[f64], i: usize) {
    let mut c = 0;
    let mut depth = 0;
    loop {
        let empty_leaf = cells[c].children.is_none() && cells[c].mass == 0.0;
        cells[c].mass += mass[i];
        cells[c].moment[0] += mass[i] * pos[i][0];
        cells[c].moment[1] += mass[i] * pos[i][1];
        if empty_leaf {
            cells[c].body = Some(i);
            return;
        }
        if cells[c].children.is_none() {
            // Bodies (nearly) on top of each other stay together in one leaf, which then acts
            // as a single body for everyone, itself included.
            if depth >= 40 {
                cells[c].body = None;
                return;
            }
            let (centre, quarter) = (cells[c].centre, cells[c].half / 2.0);
            let first = cells.len();
            for k in 0..4 {
                let x = centre[0] + if k & 1 == 0 { -quarter } else { quarter };
                let y = centre[1] + if k & 2 == 0 { -quarter } else { quarter };
                cells.push(Cell::new([x, y], quarter));
            }
            cells[c].children = Some([first, first + 1, first + 2, first + 3]);
            if let Some(old) = cells[c].body.take() {
                let q = quadrant(&cells[c], pos[old]);
                let child = &mut cells[first + q];
                child.mass = mass[old];
                child.moment = [mass[old] * pos[old][0], mass[old] * pos[old][1]];
                child.body = Some(old);
            }
        }
        if let Some(children) = cells[c].children {
            c = children[quadrant(&cells[c], pos[i])];
        }
        depth += 1;
    }
}

/// Which child of a cell a point falls into.
fn quadrant(cell: &Cell, p: [f64; 2]) -> usize {
    usize::from(p[0] >= cell.centre[0]) | (usize::from(p[1] >= cell.centre[1]) << 1)
}

/// Places circles of the given radii (largest first) along an elliptic spiral around the
/// origin, each at the first spot where it overlaps none placed before.
fn pack(radii: &[f64]) -> Vec<[f64; 2]> {
    // The ellipse matches the shape of the plot box, so the packing fills it evenly.
    let aspect = ((PLOT[2] - PLOT[0]) / (PLOT[3] - PLOT[1])).powf(0.3);
    let mut placed: Vec<[f64; 3]> = Vec::with_capacity(radii.len());
    let (mut rho, mut theta) = (0.0_f64, 0.0_f64);
    let mut previous = f64::MAX;
    // Steps are never shorter than a fiftieth of the largest circle, which bounds the search
    // however small the others are.
    let largest = radii
        .first()
        .copied()
        .filter(|r| r.is_finite())
        .unwrap_or(1.0);
    for &r in radii {
        let r = if r.is_finite() && r > 0.0 { r } else { 1.0 };
        let stride = r.max(largest / 50.0);
        // Circles of about the size of the previous one go further along the spiral; a much
        // smaller one starts again from the centre to fill gaps.
        if r < 0.8 * previous {
            rho = 0.0;
            theta = 0.0;
        }
        previous = r;
        loop {
            let x = rho * theta.cos() * aspect;
            let y = rho * theta.sin() / aspect;
            let free = placed.iter().all(|c| {
                let (dx, dy) = (x - c[0], y - c[1]);
                dx * dx + dy * dy >= (r + c[2]) * (r + c[2])
            });
            if free {
                placed.push([x, y, r]);
                break;
            }
            // Turns of the spiral lie one radius apart; steps along it are half a radius.
            let dtheta = (0.5 * stride / rho.max(stride)).min(0.5);
            theta += dtheta;
            rho += stride * dtheta / std::f64::consts::TAU;
        }
    }
    placed.iter().map(|c| [c[0], c[1]]).collect()
}

/// Scales and centres layout positions into the plot box, in pixels.
fn fit(layout: &[[f64; 2]]) -> Vec<[f64; 2]> {
    let (mut lo, mut hi) = ([f64::MAX; 2], [f64::MIN; 2]);
    for p in layout
        .iter()
        .filter(|p| p[0].is_finite() && p[1].is_finite())
    {
        for k in 0..2 {
            lo[k] = lo[k].min(p[k]);
            hi[k] = hi[k].max(p[k]);
        }
    }
    if lo[0] > hi[0] {
        (lo, hi) = ([0.0; 2], [0.0; 2]);
    }
    let (w, h) = (PLOT[2] - PLOT[0], PLOT[3] - PLOT[1]);
    let (bw, bh) = (hi[0] - lo[0], hi[1] - lo[1]);
    let sx = if bw > 0.0 { w / bw } else { f64::MAX };
    let sy = if bh > 0.0 { h / bh } else { f64::MAX };
    let s = sx.min(sy).min(MAX_SCALE);
    let (sx, sy) = (sx.min(s * MAX_STRETCH), sy.min(s * MAX_STRETCH));
    let mid = [(lo[0] + hi[0]) / 2.0, (lo[1] + hi[1]) / 2.0];
    let centre = [(PLOT[0] + PLOT[2]) / 2.0, (PLOT[1] + PLOT[3]) / 2.0];
    // A position the simulation failed to compute (which should never happen) goes to the
    // centre rather than poisoning the drawing.
    layout
        .iter()
        .map(|p| {
            let x = centre[0] + (p[0] - mid[0]) * sx;
            let y = centre[1] + (p[1] - mid[1]) * sy;
            if x.is_finite() && y.is_finite() {
                [x, y]
            } else {
                centre
            }
        })
        .collect()
}

/// Pushes overlapping circles apart (a few sweeps over the nodes sorted by x) and keeps every
/// circle inside the canvas.
fn separate(pos: &mut [[f64; 2]], radius: &[f64]) {
    let largest = radius.iter().copied().fold(0.0, f64::max);
    let mut order: Vec<usize> = (0..pos.len()).collect();
    for _ in 0..30 {
        order.sort_by(|&a, &b| pos[a][0].total_cmp(&pos[b][0]).then(a.cmp(&b)));
        let mut moved = false;
        for (k, &i) in order.iter().enumerate() {
            for &j in &order[k + 1..] {
                if pos[j][0] - pos[i][0] > radius[i] + largest + NODE_GAP {
                    break;
                }
                let (dx, dy) = (pos[j][0] - pos[i][0], pos[j][1] - pos[i][1]);
                let d = dx.hypot(dy);
                let need = radius[i] + radius[j] + NODE_GAP;
                if d < need {
                    // Coincident centres are split along a direction fixed by their indices.
                    let (ux, uy) = if d > 1e-9 {
                        (dx / d, dy / d)
                    } else {
                        let a = (i * 7 + j * 13) as f64;
                        (a.cos(), a.sin())
                    };
                    let shift = (need - d) / 2.0;
                    pos[i][0] -= ux * shift;
                    pos[i][1] -= uy * shift;
                    pos[j][0] += ux * shift;
                    pos[j][1] += uy * shift;
                    moved = true;
                }
            }
        }
        for (p, r) in pos.iter_mut().zip(radius) {
            p[0] = p[0].clamp(PLOT[0].min(r + 2.0), WIDTH - PLOT[0].min(r + 2.0));
            p[1] = p[1].clamp(PLOT[1], PLOT[3]);
        }
        if !moved {
            break;
        }
    }
}

/// Escapes text for XML content and attributes after turning control characters (line breaks
/// included) into spaces: a picture shows a label on one line.
fn escape(s: &str) -> String {
    let flat: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    xml_attr(&flat)
}

/// The visible form of a label: whitespace runs collapsed, long labels shortened.
fn visible(label: &str) -> String {
    let clean: String = label
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let words: Vec<&str> = clean.split_whitespace().collect();
    let joined = words.join(" ");
    if joined.chars().count() > LABEL_CHARS {
        let cut: String = joined.chars().take(LABEL_CHARS - 1).collect();
        format!("{}…", cut.trim_end())
    } else {
        joined
    }
}

/// A colour as `#rrggbb`.
fn hex((r, g, b): (u8, u8, u8)) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// Draws the edges, lightest first, so heavy ones stay on top.
fn write_edges(
    network: &Network,
    index: &BTreeMap<&str, usize>,
    scene: &Scene,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut order: Vec<usize> = (0..network.edges.len()).collect();
    order.sort_by_key(|&k| network.edges[k].weight);
    writeln!(
        out,
        r##"<g class="edges" stroke="#8a8a8a" stroke-linecap="round">"##
    )?;
    for k in order {
        let e = &network.edges[k];
        let (Some(&a), Some(&b)) = (index.get(e.source.as_str()), index.get(e.target.as_str()))
        else {
            continue;
        };
        if a == b {
            continue;
        }
        let ([x1, y1], [mut x2, mut y2]) = (scene.pos[a], scene.pos[b]);
        let weight = (e.weight.max(1) as f64).ln();
        let width = (0.6 + 0.6 * weight).min(4.0);
        let opacity = (0.22 + 0.12 * weight).min(0.75);
        let mut marker = "";
        if e.directed {
            // Stop at the rim of the target so the arrowhead shows.
            let (dx, dy) = (x2 - x1, y2 - y1);
            let d = dx.hypot(dy);
            let back = scene.radius[b] + 1.0;
            if d > back + scene.radius[a] {
                x2 -= dx / d * back;
                y2 -= dy / d * back;
                marker = r#" marker-end="url(#arrow)""#;
            }
        }
        writeln!(
            out,
            r#"<line x1="{x1:.1}" y1="{y1:.1}" x2="{x2:.1}" y2="{y2:.1}" stroke-width="{width:.2}" opacity="{opacity:.2}" data-id="{}"{marker}/>"#,
            escape(&e.id)
        )?;
    }
    writeln!(out, "</g>")
}

/// Draws the node circles, largest first, each with a tooltip.
fn write_nodes(network: &Network, scene: &Scene, out: &mut dyn Write) -> io::Result<()> {
    let mut order: Vec<usize> = (0..network.nodes.len()).collect();
    order.sort_by(|&a, &b| scene.radius[b].total_cmp(&scene.radius[a]).then(a.cmp(&b)));
    writeln!(out, r##"<g class="nodes" stroke="#fff" stroke-width="1">"##)?;
    for i in order {
        let n = &network.nodes[i];
        let [x, y] = scene.pos[i];
        let mut tip = format!(
            "{} ({}), {} mention{}",
            n.label,
            n.kind,
            n.mentions,
            if n.mentions == 1 { "" } else { "s" }
        );
        match (&n.first, &n.last) {
            (Some(f), Some(l)) if f != l => tip.push_str(&format!(", {f} to {l}")),
            (Some(f), _) => tip.push_str(&format!(", {f}")),
            _ => {}
        }
        if let Some(q) = &n.wikidata {
            tip.push_str(&format!(", Wikidata {q}"));
        }
        writeln!(
            out,
            r#"<circle cx="{x:.1}" cy="{y:.1}" r="{:.1}" fill="{}" data-id="{}"><title>{}</title></circle>"#,
            scene.radius[i],
            hex(colour(n.kind.name())),
            escape(&n.id),
            escape(&tip)
        )?;
    }
    writeln!(out, "</g>")
}

/// The area two boxes share.
fn overlap(a: &Rect, b: &Rect) -> f64 {
    let w = a[2].min(b[2]) - a[0].max(b[0]);
    let h = a[3].min(b[3]) - a[1].max(b[1]);
    if w > 0.0 && h > 0.0 {
        w * h
    } else {
        0.0
    }
}

/// Places the labels of the most-mentioned nodes, each beside its circle where it collides
/// least with labels already placed, with node circles and with the edges of the canvas.
fn place_labels(network: &Network, scene: &Scene) -> Vec<Label> {
    let mut order: Vec<usize> = (0..network.nodes.len()).collect();
    order.sort_by(|&a, &b| {
        let (na, nb) = (&network.nodes[a], &network.nodes[b]);
        nb.mentions.cmp(&na.mentions).then(na.id.cmp(&nb.id))
    });
    order.truncate(LABELLED);
    let max_mentions = network
        .nodes
        .iter()
        .map(|n| n.mentions)
        .max()
        .unwrap_or(0)
        .max(1);
    let circles: Vec<Rect> = scene
        .pos
        .iter()
        .zip(&scene.radius)
        .map(|(p, r)| [p[0] - r, p[1] - r, p[0] + r, p[1] + r])
        .collect();
    let canvas: Rect = [4.0, LABEL_BAND[0], WIDTH - 4.0, LABEL_BAND[1]];
    let mut boxes: Vec<Rect> = Vec::new();
    let mut labels = Vec::new();
    for i in order {
        let n = &network.nodes[i];
        let text = visible(&n.label);
        if text.is_empty() {
            continue;
        }
        let size = 11.0 + 5.0 * (n.mentions as f64 / max_mentions as f64).sqrt();
        // A rough width: sans-serif letters average a little over half the font size.
        let w = 0.58 * size * text.chars().count() as f64 + 2.0;
        let [x, y] = scene.pos[i];
        let r = scene.radius[i];
        let candidates: [(Rect, f64, f64, &'static str); 4] = [
            (
                [x + r + 3.0, y - size / 2.0, x + r + 3.0 + w, y + size / 2.0],
                x + r + 3.0,
                y + size * 0.35,
                "start",
            ),
            (
                [x - r - 3.0 - w, y - size / 2.0, x - r - 3.0, y + size / 2.0],
                x - r - 3.0,
                y + size * 0.35,
                "end",
            ),
            (
                [x - w / 2.0, y + r + 2.0, x + w / 2.0, y + r + 2.0 + size],
                x,
                y + r + 1.0 + size * 0.85,
                "middle",
            ),
            (
                [x - w / 2.0, y - r - 2.0 - size, x + w / 2.0, y - r - 2.0],
                x,
                y - r - 3.0 - size * 0.15,
                "middle",
            ),
        ];
        let cost = |b: &Rect| {
            let area = (b[2] - b[0]) * (b[3] - b[1]);
            let outside = area - overlap(b, &canvas);
            let labels: f64 = boxes.iter().map(|o| overlap(b, o)).sum();
            let nodes: f64 = circles
                .iter()
                .enumerate()
                .filter(|&(j, _)| j != i)
                .map(|(_, c)| overlap(b, c))
                .sum();
            20.0 * outside + 3.0 * labels + nodes
        };
        let mut best = 0;
        let mut best_cost = f64::MAX;
        for (k, c) in candidates.iter().enumerate() {
            let v = cost(&c.0);
            if v < best_cost - 1e-9 {
                best = k;
                best_cost = v;
            }
        }
        let (b, tx, ty, anchor) = candidates[best];
        boxes.push(b);
        labels.push(Label {
            node: i,
            x: tx,
            y: ty,
            anchor,
            size,
            text,
        });
    }
    labels
}

/// Draws the labels with a white halo, the most important last so it stays on top.
fn write_labels(network: &Network, scene: &Scene, out: &mut dyn Write) -> io::Result<()> {
    let labels = place_labels(network, scene);
    writeln!(
        out,
        r##"<g class="labels" fill="#222" stroke="#fff" stroke-width="3" stroke-linejoin="round" style="paint-order: stroke">"##
    )?;
    for l in labels.iter().rev() {
        writeln!(
            out,
            r#"<text x="{:.1}" y="{:.1}" font-size="{:.1}" text-anchor="{}" data-id="{}">{}</text>"#,
            l.x,
            l.y,
            l.size,
            l.anchor,
            escape(&network.nodes[l.node].id),
            escape(&l.text)
        )?;
    }
    writeln!(out, "</g>")
}

/// Draws a legend of the kinds present, with their number of nodes, along the top.
fn write_legend(network: &Network, out: &mut dyn Write) -> io::Result<()> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for n in &network.nodes {
        *counts.entry(n.kind.name()).or_default() += 1;
    }
    let mut kinds: Vec<(&str, usize)> = KIND_ORDER
        .iter()
        .filter_map(|k| counts.get(k).map(|&c| (*k, c)))
        .collect();
    kinds.extend(
        counts
            .iter()
            .filter(|(k, _)| !KIND_ORDER.contains(k))
            .map(|(k, c)| (*k, *c)),
    );
    writeln!(out, r##"<g class="legend" font-size="15" fill="#222">"##)?;
    let mut x = 30.0;
    for (kind, count) in kinds {
        let text = format!("{} ({count})", visible(kind));
        writeln!(
            out,
            r##"<circle cx="{x:.1}" cy="34" r="8" fill="{}" stroke="#fff" stroke-width="1"/><text x="{:.1}" y="39">{}</text>"##,
            hex(colour(kind)),
            x + 14.0,
            escape(&text)
        )?;
        x += 14.0 + 0.6 * 15.0 * text.chars().count() as f64 + 30.0;
    }
    writeln!(out, "</g>")
}

/// Writes the counts and a key to the sizes along the bottom.
fn write_caption(network: &Network, out: &mut dyn Write) -> io::Result<()> {
    let directed = network.edges.iter().filter(|e| e.directed).count();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let mut text = format!(
        "{}, {}",
        plural(network.nodes.len(), "node"),
        plural(network.edges.len(), "edge")
    );
    if directed > 0 {
        text.push_str(&format!(" ({directed} directed, with arrows)"));
    }
    text.push('.');
    match network.nodes.len() {
        0 => {}
        n if n <= LABELLED => {
            text.push_str(" Node area grows with mentions, edge width with weight.")
        }
        _ => text.push_str(&format!(
            " Node area grows with mentions, edge width with weight; \
             the {LABELLED} most-mentioned nodes are labelled."
        )),
    }
    writeln!(
        out,
        r##"<text class="caption" x="30" y="{:.0}" font-size="13" fill="#555">{}</text>"##,
        HEIGHT - 16.0,
        escape(&text)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::network::{Edge, EdgeKind, Node, NodeKind};
    use crate::input::gazetteer::EntityType;

    fn node(id: &str, label: &str, kind: &str, mentions: usize) -> Node {
        let kind = match EntityType::ALL.into_iter().find(|t| t.name() == kind) {
            Some(t) => NodeKind::Entity(t),
            None => NodeKind::Document,
        };
        Node {
            id: id.into(),
            label: label.into(),
            kind,
            iri: format!("http://example.org/{id}"),
            wikidata: None,
            aliases: Vec::new(),
            mentions,
            first: None,
            last: None,
        }
    }

    fn edge(source: &str, target: &str, weight: usize, directed: bool) -> Edge {
        Edge {
            id: format!("e:{source}:{target}"),
            source: source.into(),
            target: target.into(),
            kind: if directed {
                EdgeKind::WroteTo
            } else {
                EdgeKind::CoMentioned
            },
            label: String::new(),
            directed,
            weight,
            sources: weight,
            evidence: None,
            first: None,
            last: None,
        }
    }

    /// A network of `n` nodes in a few components, with hubs and isolated nodes.
    fn sample(n: usize, edges_per_node: usize) -> Network {
        let kinds = ["Person", "Organisation", "Place", "Event", "Work"];
        let mut state: u64 = 42;
        let mut next = move |m: usize| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            ((state >> 33) as usize) % m
        };
        let nodes: Vec<Node> = (0..n)
            .map(|i| {
                node(
                    &format!("n{i:04}"),
                    &format!("Node {i}"),
                    kinds[i % 5],
                    next(50),
                )
            })
            .collect();
        let mut edges = Vec::new();
        // The first three quarters form one component around a few hubs; the rest is pairs
        // and isolated nodes.
        let main = n * 3 / 4;
        for i in 1..main {
            for _ in 0..edges_per_node {
                let j = if next(3) == 0 { next(5) } else { next(i) };
                if j != i {
                    edges.push(edge(&nodes[j].id, &nodes[i].id, 1 + next(8), next(4) == 0));
                }
            }
        }
        for i in (main..n.saturating_sub(6)).step_by(2) {
            edges.push(edge(&nodes[i].id, &nodes[i + 1].id, 2, false));
        }
        edges.sort_by(|a, b| a.id.cmp(&b.id));
        edges.dedup_by(|a, b| a.id == b.id);
        Network { nodes, edges }
    }

    fn render_string(network: &Network) -> String {
        let mut out = Vec::new();
        write_svg(network, &mut out).expect("writing to a vector cannot fail");
        String::from_utf8(out).expect("the SVG is UTF-8")
    }

    #[test]
    fn the_same_network_gives_the_same_bytes() {
        let network = sample(120, 3);
        assert_eq!(render_string(&network), render_string(&network));
    }

    #[test]
    fn hostile_labels_come_out_as_text() {
        let mut network = sample(10, 1);
        network.nodes[0].label = "=HYPERLINK(\"x\")<b>O'Brien & Co</b>\nnext".into();
        network.nodes[0].mentions = 1000;
        network.nodes[0].id = "id<&>\"'".into();
        let svg = render_string(&network);
        assert!(!svg.contains("<b>"));
        assert!(!svg.contains("O'Brien"));
        assert!(!svg.contains("id<&>"));
        assert!(svg.contains(
            "=HYPERLINK(&quot;x&quot;)&lt;b&gt;O&apos;Brien &amp; Co&lt;/b&gt; next</text>"
        ));
        assert!(svg.contains("data-id=\"id&lt;&amp;&gt;&quot;&apos;\""));
        // The label goes into the tooltip as well, escaped and on one line.
        assert!(svg.contains("<title>=HYPERLINK(&quot;x&quot;)&lt;b&gt;O&apos;Brien &amp; Co"));
        assert!(!svg.contains("Co</b>\n"));
    }

    #[test]
    fn escaping_replaces_control_characters() {
        assert_eq!(escape("a\nb\tc\u{7}d\u{fffe}"), "a b c d\u{fffd}");
        assert_eq!(escape("<&>\"'"), "&lt;&amp;&gt;&quot;&apos;");
        assert_eq!(visible(" a \n\n b "), "a b");
        assert_eq!(visible(&"x".repeat(60)).chars().count(), LABEL_CHARS);
    }

    #[test]
    fn every_node_is_drawn_once_and_tags_balance() {
        let network = sample(80, 2);
        let svg = render_string(&network);
        for n in &network.nodes {
            let circle = format!("data-id=\"{}\"><title>", n.id);
            assert_eq!(svg.matches(&circle).count(), 1, "{}", n.id);
        }
        assert_eq!(svg.matches("<circle ").count(), network.nodes.len() + 5);
        assert_eq!(svg.matches("<title>").count(), network.nodes.len());
        assert_eq!(svg.matches("<text ").count(), LABELLED + 5 + 1);
        for tag in ["g", "text", "title", "circle", "svg"] {
            let open =
                svg.matches(&format!("<{tag} ")).count() + svg.matches(&format!("<{tag}>")).count();
            let closed = svg.matches(&format!("</{tag}>")).count();
            let empty = if tag == "circle" { 5 } else { 0 };
            assert_eq!(open, closed + empty, "{tag}");
        }
        assert!(svg.starts_with("<?xml") && svg.trim_end().ends_with("</svg>"));
    }

    #[test]
    fn positions_are_finite_and_inside_the_canvas() {
        for network in [
            sample(0, 0),
            sample(1, 0),
            sample(2, 1),
            sample(150, 4),
            sample(700, 3),
        ] {
            let index: BTreeMap<&str, usize> = network
                .nodes
                .iter()
                .enumerate()
                .map(|(i, n)| (n.id.as_str(), i))
                .collect();
            let scene = scene(&network, &links(&network, &index));
            assert_eq!(scene.pos.len(), network.nodes.len());
            for (p, r) in scene.pos.iter().zip(&scene.radius) {
                assert!(p[0].is_finite() && p[1].is_finite());
                assert!(p[0] - r >= 0.0 && p[0] + r <= WIDTH, "{p:?}");
                assert!(p[1] - r >= 0.0 && p[1] + r <= HEIGHT, "{p:?}");
            }
        }
    }

    #[test]
    fn linked_nodes_end_up_closer_than_unlinked_ones() {
        let network = sample(150, 4);
        let index: BTreeMap<&str, usize> = network
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.id.as_str(), i))
            .collect();
        let links = links(&network, &index);
        let scene = scene(&network, &links);
        let dist = |a: usize, b: usize| {
            (scene.pos[a][0] - scene.pos[b][0]).hypot(scene.pos[a][1] - scene.pos[b][1])
        };
        let linked = links.iter().map(|l| dist(l.a, l.b)).sum::<f64>() / links.len() as f64;
        let n = network.nodes.len();
        let all = (0..n)
            .flat_map(|a| (0..n).map(move |b| (a, b)))
            .filter(|(a, b)| a != b);
        let mean = all.clone().map(|(a, b)| dist(a, b)).sum::<f64>() / all.count() as f64;
        assert!(linked < mean / 2.0, "linked {linked}, all {mean}");
    }

    #[test]
    fn the_tree_and_the_exact_repulsion_agree() {
        let seeds: Vec<u64> = (0..200).map(|i| fnv1a(&format!("n{i}"))).collect();
        let pos: Vec<[f64; 2]> = seeds
            .iter()
            .map(|h| {
                [
                    (h & 0xffff) as f64 / 100.0,
                    ((h >> 16) & 0xffff) as f64 / 100.0,
                ]
            })
            .collect();
        let mass: Vec<f64> = (0..200).map(|i| 1.0 + (i % 7) as f64).collect();
        let (mut exact, mut tree) = (vec![[0.0; 2]; 200], vec![[0.0; 2]; 200]);
        repel_exact(&pos, &mass, &mut exact);
        repel_tree(&pos, &mass, &mut tree, &mut Vec::new());
        let err: f64 = exact
            .iter()
            .zip(&tree)
            .map(|(e, t)| (e[0] - t[0]).hypot(e[1] - t[1]) / e[0].hypot(e[1]).max(1e-9))
            .sum::<f64>()
            / 200.0;
        assert!(err < 0.1, "mean relative error {err}");
    }

    #[test]
    fn write_failures_are_output_errors() {
        struct Broken;
        impl Write for Broken {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::Error::other("disk full"))
            }
            fn flush(&mut self) -> io::Result<()> {
                Err(io::Error::other("disk full"))
            }
        }
        assert!(matches!(
            write_svg(&sample(20, 1), &mut Broken),
            Err(Error::Output(_))
        ));
    }

    #[test]
    fn directed_edges_get_arrowheads_and_empty_networks_draw() {
        let network = Network {
            nodes: vec![node("a", "A", "Person", 3), node("b", "B", "Place", 0)],
            edges: vec![edge("a", "b", 2, true), edge("a", "zzz", 1, false)],
        };
        let svg = render_string(&network);
        assert_eq!(svg.matches("marker-end=\"url(#arrow)\"").count(), 1);
        assert!(svg.contains("2 nodes, 2 edges (1 directed, with arrows). Node area"));
        let empty = render_string(&Network::default());
        assert!(empty.contains(">0 nodes, 0 edges.</text>"));
    }
}
