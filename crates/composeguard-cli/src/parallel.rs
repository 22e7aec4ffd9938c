//! `check` over many projects: each one is loaded and linted on its own thread (rayon, every core
//! by default; `RAYON_NUM_THREADS` sets the count), and the results come back in the order of the
//! command line, so the output is the same byte for byte whatever the thread count.

use rayon::prelude::*;

/// `f` over every item, in parallel, the results in the items' order.
pub fn map_in_order<T, R, F>(items: &[T], f: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync + Send,
{
    if items.len() < 2 {
        return items.iter().map(f).collect();
    }
    items.par_iter().map(f).collect()
}

#[cfg(test)]
mod tests {
    use super::map_in_order;

    #[test]
    fn keeps_the_order() {
        let items: Vec<u64> = (0..1000).collect();
        let out = map_in_order(&items, |n| {
            // uneven work, so threads finish out of order
            (0..(n % 7) * 1000).fold(*n, |a, b| a.wrapping_add(b) % 1_000_003)
        });
        let expected: Vec<u64> = items.iter().map(|n| (0..(n % 7) * 1000).fold(*n, |a, b| a.wrapping_add(b) % 1_000_003)).collect();
        assert_eq!(out, expected);
    }
}
