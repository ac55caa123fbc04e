//! Union-find over seller numbers, with path compression and union by size, and a circular list
//! of each set's members so a cluster is listed in time proportional to its size.

/// Disjoint sets of `0..len`.
#[derive(Debug, Default)]
pub(crate) struct UnionFind {
    parent: Vec<u32>,
    size: Vec<u32>,
    /// `next[i]`: the next member of `i`'s set, circularly.
    next: Vec<u32>,
}

impl UnionFind {
    pub(crate) fn reserve(&mut self, n: usize) {
        self.parent.reserve(n);
        self.size.reserve(n);
        self.next.reserve(n);
    }

    /// Adds `i` as a set of its own; `i` must be the current length.
    pub(crate) fn push(&mut self, i: u32) {
        self.parent.push(i);
        self.size.push(1);
        self.next.push(i);
    }

    /// The root of `i`'s set, compressing the path.
    pub(crate) fn find(&mut self, i: u32) -> u32 {
        let mut root = i;
        while let Some(&p) = self.parent.get(root as usize) {
            if p == root {
                break;
            }
            root = p;
        }
        let mut at = i;
        while at != root {
            let Some(p) = self.parent.get_mut(at as usize) else {
                break;
            };
            at = std::mem::replace(p, root);
        }
        root
    }

    /// The root of `i`'s set, without changing anything.
    pub(crate) fn root(&self, i: u32) -> u32 {
        let mut root = i;
        while let Some(&p) = self.parent.get(root as usize) {
            if p == root {
                break;
            }
            root = p;
        }
        root
    }

    /// Joins the sets of `a` and `b`; false when they were one already.
    pub(crate) fn union(&mut self, a: u32, b: u32) -> bool {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return false;
        }
        let (big, small) = if self.size(ra) >= self.size(rb) {
            (ra, rb)
        } else {
            (rb, ra)
        };
        let merged = self.size(big) + self.size(small);
        if let Some(p) = self.parent.get_mut(small as usize) {
            *p = big;
        }
        if let Some(s) = self.size.get_mut(big as usize) {
            *s = merged;
        }
        // Splice the two circular member lists into one.
        let (nb, ns) = (big as usize, small as usize);
        if nb < self.next.len() && ns < self.next.len() {
            self.next.swap(nb, ns);
        }
        true
    }

    /// The size of the set whose root is `root`.
    fn size(&self, root: u32) -> u32 {
        self.size.get(root as usize).copied().unwrap_or(0)
    }

    /// The size of `i`'s set.
    pub(crate) fn set_size(&self, i: u32) -> u32 {
        self.size(self.root(i))
    }

    /// The members of `i`'s set, `i` first.
    pub(crate) fn members(&self, i: u32) -> Vec<u32> {
        let mut out = vec![i];
        let mut at = self.next.get(i as usize).copied().unwrap_or(i);
        while at != i {
            out.push(at);
            at = self.next.get(at as usize).copied().unwrap_or(i);
        }
        out
    }

    pub(crate) fn len(&self) -> usize {
        self.parent.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unions_merge_sets_and_members() {
        let mut u = UnionFind::default();
        for i in 0..6 {
            u.push(i);
        }
        assert!(u.union(0, 1));
        assert!(u.union(2, 3));
        assert!(u.union(1, 3));
        assert!(!u.union(0, 2));
        assert_eq!(u.find(3), u.find(0));
        assert_eq!(u.set_size(2), 4);
        let mut m = u.members(3);
        m.sort();
        assert_eq!(m, [0, 1, 2, 3]);
        assert_eq!(u.members(5), [5]);
        assert_eq!(u.set_size(4), 1);
        assert_eq!(u.len(), 6);
    }
}
