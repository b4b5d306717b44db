// Listener page entry, served by the space server at /s/<spaceId>.
import { createRoot } from 'react-dom/client';
import '../ui/theme.css';
import './listener.css';
import { App } from './App';
import { initListener } from './controller';

createRoot(document.getElementById('root')!).render(<App />);
const stop = initListener(document.getElementById('audio-sink')!);
window.addEventListener('pagehide', stop, { once: true });
// Back to a page restored from the back/forward cache: its connections are gone, so start afresh.
window.addEventListener('pageshow', (event) => event.persisted && location.reload());
