import './zod-config';
import '@xyflow/react/dist/style.css';
import './theme/theme.css';
import './styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { configureClient } from './api/client';
import { App } from './App';
import { useAuthStore } from './store/auth-store';

configureClient({
  getToken: () => useAuthStore.getState().token,
  // Any 401 with the stored token means it was revoked or expired: back to sign-in.
  onUnauthorized: () => useAuthStore.getState().signOut('rejected'),
});

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
