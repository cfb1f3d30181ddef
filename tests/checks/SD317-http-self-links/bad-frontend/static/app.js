const API = "http://me-backend.hf.space/predict"; // expect: SD317

async function predict(body) {
  const r = await fetch(API, { method: "POST", body });
  return r.json();
}

const events = new EventSource(`http://${window.location.host}/events`); // expect: SD317
