// Listener page entry, served by the space server at /s/<spaceId>.
import { createRoot } from 'react-dom/client';
import '../ui/theme.css';
import './listener.css';
import { App } from './App';
import { initListener } from './controller';

createRoot(document.getElementById('root')!).render(<App />);
initListener(document.getElementById('audio-sink')!);
