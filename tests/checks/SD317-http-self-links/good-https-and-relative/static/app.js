// Old address was http://me-demo.hf.space (a comment is not loaded).
const API = "https://me-backend.hf.space/predict";
const local = "/api/predict";
const proto = location.protocol === "https:" ? "wss://" : "ws://";
const socket = new WebSocket(proto + location.host + "/ws");
const url =
  location.protocol === "https:"
    ? "wss://" + location.host + "/ws"
    : "ws://" + location.host + "/ws";
