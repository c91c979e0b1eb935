// The parameters of Generate and Get Task as the editor saves them, for tests that run them
// whole; and what an ISO time in an output item looks like.
const AVATAR = 'https://cdn.example.com/presenter.jpg';
const AUDIO = 'https://cdn.example.com/speech.mp3';
const generate = (parameters = {}) => ({ resource: 'avatar', operation: 'generate', avatarUrl: AVATAR, audioUrl: AUDIO, ...parameters });
const getTask = (taskId, parameters = {}) => ({ resource: 'avatar', operation: 'getTask', taskId, ...parameters });
const ISO = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

module.exports = { AVATAR, AUDIO, generate, getTask, ISO };
