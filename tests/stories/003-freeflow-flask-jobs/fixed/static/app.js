// Hide the credential fields when the page is served by a Space
const isSpace = window.location.hostname.includes('hf.space') ||
                window.location.hostname.includes('huggingface.co');

async function startTraining(projectId, hardware) {
  const creds = isSpace
    ? { username: 'space', apiKey: 'space' } // placeholders: the backend ignores them
    : { username: localStorage.getItem('hfUser'), apiKey: localStorage.getItem('hfKey') };
  const res = await fetch(`/api/projects/${projectId}/train`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ hardware, ...creds }),
  });
  return res.json();
}
