//! The variables a project is loaded with: the process environment, shared by every project of a
//! run, under what the project itself sets (`.env`, `PWD`, `COMPOSE_PROJECT_NAME`).

use std::sync::Arc;

use indexmap::IndexMap;

/// Variables for interpolation and the `COMPOSE_*` settings.
///
/// A run over many projects reads the process environment once and shares it: each project
/// keeps only what it adds, so a project costs nothing per variable of the environment (with the
/// 150 variables of a CI runner, copying them was an eighth of a run over the corpus). What the
/// project sets is looked up first; the process environment is never changed.
#[derive(Clone, Debug, Default)]
pub struct Environment {
    shared: Option<Arc<IndexMap<String, String>>>,
    own: IndexMap<String, String>,
}

impl Environment {
    /// Variables that are the project's own.
    pub fn new(own: IndexMap<String, String>) -> Self {
        Self { shared: None, own }
    }

    /// The shared process environment, with nothing of the project's own yet.
    pub fn shared(shared: Arc<IndexMap<String, String>>) -> Self {
        Self { shared: Some(shared), own: IndexMap::new() }
    }

    pub fn get(&self, name: &str) -> Option<&String> {
        self.own.get(name).or_else(|| self.shared.as_deref().and_then(|s| s.get(name)))
    }

    pub fn contains_key(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Sets `name`, over any value it has.
    pub fn insert(&mut self, name: String, value: String) {
        self.own.insert(name, value);
    }

    /// Sets `name` unless it has a value (as an env file adds to the environment).
    pub fn insert_if_absent(&mut self, name: String, value: String) {
        if !self.contains_key(&name) {
            self.own.insert(name, value);
        }
    }

    /// Every variable once: the shared ones in their order (with the project's value where it
    /// has its own), then the project's others in the order they were set.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &String)> {
        let shared = self.shared.as_deref().into_iter().flat_map(IndexMap::iter).map(|(k, v)| (k, self.own.get(k).unwrap_or(v)));
        let own = self.own.iter().filter(|(k, _)| !self.shared.as_deref().is_some_and(|s| s.contains_key(*k)));
        shared.chain(own)
    }

    pub fn len(&self) -> usize {
        self.iter().count()
    }

    pub fn is_empty(&self) -> bool {
        self.own.is_empty() && self.shared.as_deref().is_none_or(IndexMap::is_empty)
    }
}

impl From<IndexMap<String, String>> for Environment {
    fn from(own: IndexMap<String, String>) -> Self {
        Self::new(own)
    }
}

impl Extend<(String, String)> for Environment {
    /// Sets each variable, over any value it has.
    fn extend<I: IntoIterator<Item = (String, String)>>(&mut self, iter: I) {
        self.own.extend(iter);
    }
}

impl FromIterator<(String, String)> for Environment {
    fn from_iter<I: IntoIterator<Item = (String, String)>>(iter: I) -> Self {
        Self::new(iter.into_iter().collect())
    }
}

impl crate::interpolate::Variables for Environment {
    fn get(&self, name: &str) -> Option<String> {
        Environment::get(self, name).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> IndexMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_string(), (*v).to_string())).collect()
    }

    #[test]
    fn the_projects_own_values_come_first_and_the_shared_map_is_not_changed() {
        let shared = Arc::new(map(&[("HOME", "/root"), ("TAG", "1")]));
        let mut a = Environment::shared(Arc::clone(&shared));
        a.insert("TAG".into(), "2".into());
        a.insert_if_absent("HOME".into(), "/elsewhere".into());
        a.insert_if_absent("MODE".into(), "ci".into());
        assert_eq!(a.get("TAG").map(String::as_str), Some("2"));
        assert_eq!(a.get("HOME").map(String::as_str), Some("/root"));
        let all: Vec<(&str, &str)> = a.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(all, [("HOME", "/root"), ("TAG", "2"), ("MODE", "ci")]);
        assert_eq!(a.len(), 3);
        // another project of the run sees the environment as it was
        let b = Environment::shared(Arc::clone(&shared));
        assert_eq!(b.get("TAG").map(String::as_str), Some("1"));
        assert!(b.get("MODE").is_none());
    }
}
