//! The read path's outputs: the store written in the formats other tools
//! read. [`rdf`] (every RDF syntax) and [`csv`] (tables), [`annotations`]
//! (Web Annotation, brat, TEI), [`network`] (Gephi, Neo4j, GraphML,
//! pictures), [`map`] (GeoJSON) and [`site`] (the corpus as a website).
//!
//! Invariant: exporting never changes the store, and the same store gives
//! byte-identical output.

pub mod annotations;
pub mod csv;
pub mod map;
pub mod network;
pub mod rdf;
pub mod site;

/// Runs `work` on every item of `items` on as many threads as there are
/// cores, a block of `block` items at a time, and hands each item with its
/// result to `take` in the items' order. Worker `t` takes blocks `t`,
/// `t + threads`, …, and runs at most two blocks ahead of `take`, so memory
/// holds a few blocks' results whatever the number of items. An error of
/// `take` stops the work.
pub(crate) fn in_order<T: Sync, R: Send>(
    items: &[T],
    block: usize,
    work: impl Fn(&T) -> R + Sync,
    mut take: impl FnMut(&T, R) -> crate::Result<()>,
) -> crate::Result<()> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let blocks: Vec<&[T]> = items.chunks(block.max(1)).collect();
    std::thread::scope(|scope| {
        let inboxes: Vec<_> = (0..threads)
            .map(|t| {
                let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<R>>(2);
                let (blocks, work) = (&blocks, &work);
                scope.spawn(move || {
                    for block in blocks.iter().skip(t).step_by(threads) {
                        // A closed inbox: `take` stopped at an error.
                        if tx.send(block.iter().map(work).collect()).is_err() {
                            return;
                        }
                    }
                });
                rx
            })
            .collect();
        for (b, block) in blocks.iter().enumerate() {
            // A worker that panicked closed its inbox: the scope re-raises
            // its panic.
            let Ok(results) = inboxes[b % threads].recv() else {
                break;
            };
            for (item, result) in block.iter().zip(results) {
                take(item, result)?;
            }
        }
        Ok(())
    })
}
