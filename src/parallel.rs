//! Two pieces of work side by side on the machine's cores (natively), or one
//! after the other (in the browser, where the page's wasm has one thread).
//! No figure depends on which: each piece is computed whole by one thread,
//! in the same order of operations either way.

/// Fewer users than this are not worth a thread: starting one costs tens of
/// microseconds.
pub const PARALLEL_USERS: usize = 65_536;

/// True when this machine runs more than one thread at a time.
#[cfg(not(target_arch = "wasm32"))]
fn has_cores() -> bool {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get())) > 1
}

/// True when work of this size (users, rows or bytes) goes to two threads:
/// it is worth one and the machine has the cores (never in the page's wasm).
/// What [`join`] asks, for callers that prepare work only when it splits.
pub fn splits(size: usize) -> bool {
    #[cfg(not(target_arch = "wasm32"))]
    return size >= PARALLEL_USERS && has_cores();
    #[cfg(target_arch = "wasm32")]
    {
        let _ = size;
        false
    }
}

/// Runs `a` and `b` and returns both results: `b` on a second thread when
/// `users` (the size of the work) [`splits`], else one after the other. A
/// panic in either is passed on.
pub fn join<A: Send, B: Send>(
    users: usize,
    a: impl FnOnce() -> A + Send,
    b: impl FnOnce() -> B + Send,
) -> (A, B) {
    #[cfg(not(target_arch = "wasm32"))]
    if splits(users) {
        return std::thread::scope(|scope| {
            let second = scope.spawn(b);
            let first = a();
            match second.join() {
                Ok(second) => (first, second),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        });
    }
    let _ = users; // read natively only
    (a(), b())
}

/// `out[i] = f(i)`-style work over one slice, in two halves side by side
/// when it is worth it: `fill(start, part)` fills `part`, which begins at
/// index `start` of `out`.
pub fn fill_halves<T: Send>(out: &mut [T], fill: impl Fn(usize, &mut [T]) + Sync) {
    let half = out.len() / 2;
    let users = out.len();
    let (low, high) = out.split_at_mut(half);
    let fill = &fill;
    join(users, || fill(0, low), || fill(half, high));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_returns_both_results_whatever_the_size() {
        for users in [0, PARALLEL_USERS, 10 * PARALLEL_USERS] {
            assert_eq!(join(users, || 1 + 1, || "two"), (2, "two"));
        }
    }

    #[test]
    fn halves_fill_every_index_once() {
        for n in [0, 1, 7, PARALLEL_USERS + 3] {
            let mut out = vec![usize::MAX; n];
            fill_halves(&mut out, |start, part| {
                for (k, v) in part.iter_mut().enumerate() {
                    *v = start + k;
                }
            });
            assert!(out.iter().enumerate().all(|(i, &v)| v == i));
        }
    }

    #[test]
    #[should_panic(expected = "second")]
    fn a_panic_on_the_second_thread_is_passed_on() {
        join(PARALLEL_USERS, || 1, || panic!("second"));
    }
}
