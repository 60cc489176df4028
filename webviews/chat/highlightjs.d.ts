// highlight.js ships types for its main entry and its languages but not for 'lib/core', the
// entry that leaves the languages out so the bundle carries only the ones registered.
declare module 'highlight.js/lib/core' {
  import hljs from 'highlight.js';
  export default hljs;
}
