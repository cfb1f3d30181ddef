// A Maps JavaScript API key is public by design (restricted to this Space's referrer).
const MAPS_KEY = "AIzaEZDz-TddJ8HyS5SUkCnD8zRA9a9SkpXz9w3";
export const mapsScript = `https://maps.googleapis.com/maps/api/js?key=${MAPS_KEY}`;
