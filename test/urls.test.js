// What users paste, decided by two pure functions, row by row: a file URL (shared/urls.ts, for
// Avatar URL, Audio URL and Voice Sample URL) and the credential's Base URL (shared/endpoints.ts).
const { directUrlOf } = require('../nodes/GptGe/shared/urls');
const { apiRootOf } = require('../nodes/GptGe/shared/endpoints');

const NEEDS_HTTP = 'GPT.GE downloads the file from this address, so it must start with http:// or https://.';
const NO_HOST = 'After http(s):// comes the name of the server that has the file, e.g. https://cdn.example.com/photo.jpg.';
const ONEDRIVE =
	"is a OneDrive share link: it opens a web page, not the file. GPT.GE downloads the file from this address. Download the file from OneDrive (e.g. with n8n's Microsoft OneDrive node) and set this field's Input to Binary File, or upload it with File → Upload and use the URL it returns.";
const DRIVE_PAGE =
	'is a Google Drive page, not a file. Share the file itself ("Anyone with the link") and paste its link, https://drive.google.com/file/d/…/view, or send the file as binary data.';
const DROPBOX_PAGE =
	'is a Dropbox page, not a shared file (a folder?). In Dropbox share the file itself (Copy link) and paste that link, or send the file as binary data.';

describe('directUrlOf: the URL sent for a pasted file URL', () => {
	test.each([
		['a plain URL stays as it is', 'https://cdn.example.com/presenter.jpg', 'https://cdn.example.com/presenter.jpg'],
		['spaces around it (a sheet cell) go', '  https://cdn.example.com/presenter.jpg\t\n', 'https://cdn.example.com/presenter.jpg'],
		['Chinese characters and a space in the path are percent-encoded', 'https://cdn.example.com/头像 1.png', 'https://cdn.example.com/%E5%A4%B4%E5%83%8F%201.png'],
		['an encoded path is not encoded twice', 'https://cdn.example.com/%E5%A4%B4%E5%83%8F%201.png', 'https://cdn.example.com/%E5%A4%B4%E5%83%8F%201.png'],
		['a space in the query is encoded, the rest kept', 'https://cdn.example.com/a.mp3?name=a b&x=1', 'https://cdn.example.com/a.mp3?name=a%20b&x=1'],
		['http:// is fine; the scheme and host are lower-cased', 'HTTP://CDN.Example.com/A.mp3', 'http://cdn.example.com/A.mp3'],
		['a port is kept', 'https://files.example.com:8443/a.mp4', 'https://files.example.com:8443/a.mp4'],
		['Google Drive /file/d/<id>/view → its download link', 'https://drive.google.com/file/d/1AbC_d-9xYz/view?usp=sharing', 'https://drive.google.com/uc?export=download&id=1AbC_d-9xYz'],
		['Google Drive /file/d/<id>/edit → its download link', 'https://drive.google.com/file/d/1AbC/edit', 'https://drive.google.com/uc?export=download&id=1AbC'],
		['Google Drive /open?id=<id> → its download link', 'https://drive.google.com/open?id=1AbC', 'https://drive.google.com/uc?export=download&id=1AbC'],
		['Google Drive /uc?id=<id> → its download link', 'https://drive.google.com/uc?id=1AbC', 'https://drive.google.com/uc?export=download&id=1AbC'],
		['Google Drive download link stays one', 'https://drive.google.com/uc?export=download&id=1AbC', 'https://drive.google.com/uc?export=download&id=1AbC'],
		['Google Drive resource key is kept', 'https://drive.google.com/file/d/1AbC/view?usp=sharing&resourcekey=0-Xy_z', 'https://drive.google.com/uc?export=download&id=1AbC&resourcekey=0-Xy_z'],
		['Dropbox /s/… ?dl=0 → dl=1', 'https://www.dropbox.com/s/abc123/clip.mp4?dl=0', 'https://www.dropbox.com/s/abc123/clip.mp4?dl=1'],
		['Dropbox /scl/fi/… keeps rlkey, dl=0 → dl=1', 'https://www.dropbox.com/scl/fi/x1y2z3/face.png?rlkey=k9q8&dl=0', 'https://www.dropbox.com/scl/fi/x1y2z3/face.png?rlkey=k9q8&dl=1'],
		['Dropbox without dl gets dl=1', 'https://dropbox.com/scl/fi/x1y2z3/face.png?rlkey=k9q8', 'https://dropbox.com/scl/fi/x1y2z3/face.png?rlkey=k9q8&dl=1'],
		["Dropbox's own download host stays as it is", 'https://dl.dropboxusercontent.com/s/abc123/clip.mp4', 'https://dl.dropboxusercontent.com/s/abc123/clip.mp4'],
		['a share page with spaces around it is trimmed first', ' https://www.dropbox.com/s/abc123/clip.mp4?dl=0 ', 'https://www.dropbox.com/s/abc123/clip.mp4?dl=1'],
	])('%s', (_what, pasted, url) => {
		expect(directUrlOf(pasted)).toStrictEqual({ url });
	});

	test.each([
		['empty', '', 'The value is empty.'],
		['only spaces', '   ', 'The value is empty.'],
		['not a string', 42, 'The value is empty.'],
		['no scheme', 'presenter.jpg', `"presenter.jpg" is not an http(s) URL. ${NEEDS_HTTP}`],
		['a host without a scheme (the port is no scheme)', 'cdn.example.com:8080/a.jpg', `"cdn.example.com:8080/a.jpg" is not an http(s) URL. ${NEEDS_HTTP}`],
		['ftp:', 'ftp://cdn.example.com/a.jpg', `"ftp://cdn.example.com/a.jpg" starts with ftp:, not http(s). ${NEEDS_HTTP}`],
		['file:', ' file:///tmp/speech.mp3 ', `"file:///tmp/speech.mp3" starts with file:, not http(s). ${NEEDS_HTTP}`],
		['only the scheme', 'https://', `"https://" has no host. ${NO_HOST}`],
		['a third slash instead of a host', 'https:///a.jpg', `"https:///a.jpg" has no host. ${NO_HOST}`],
		['one slash', 'http:/cdn.example.com/a.jpg', `"http:/cdn.example.com/a.jpg" has no host. ${NO_HOST}`],
		['a space in the host', 'https://cdn.exa mple.com/a.jpg', '"https://cdn.exa mple.com/a.jpg" is not a valid web address (a space or a typo in the host?). Enter the file\'s full address, e.g. https://cdn.example.com/photo.jpg.'],
		['a OneDrive short link', 'https://1drv.ms/u/s!AkLm9?e=Xy1', `"https://1drv.ms/u/s!AkLm9?e=Xy1" ${ONEDRIVE}`],
		['a OneDrive page', 'https://onedrive.live.com/?cid=ABC&id=ABC%21123', `"https://onedrive.live.com/?cid=ABC&id=ABC%21123" ${ONEDRIVE}`],
		['a SharePoint (OneDrive for work) share link', 'https://contoso-my.sharepoint.com/:v:/g/personal/anna/EaBc?e=1', `"https://contoso-my.sharepoint.com/:v:/g/personal/anna/EaBc?e=1" ${ONEDRIVE}`],
		['a Google Drive folder', 'https://drive.google.com/drive/folders/1XyZ', `"https://drive.google.com/drive/folders/1XyZ" ${DRIVE_PAGE}`],
		['Google Drive /open without an id', 'https://drive.google.com/open', `"https://drive.google.com/open" ${DRIVE_PAGE}`],
		['a Dropbox folder', 'https://www.dropbox.com/scl/fo/x1y2z3/h?rlkey=k9q8&dl=0', `"https://www.dropbox.com/scl/fo/x1y2z3/h?rlkey=k9q8&dl=0" ${DROPBOX_PAGE}`],
	])('refused: %s', (_what, pasted, problem) => {
		expect(directUrlOf(pasted)).toStrictEqual({ problem });
	});
});

describe('apiRootOf: where the endpoints go after, from the Base URL', () => {
	test.each([
		['https://api.gpt.ge', 'https://api.gpt.ge', false],
		['https://api.gpt.ge/', 'https://api.gpt.ge', false],
		['  https://api.gpt.ge/  ', 'https://api.gpt.ge', false],
		['https://api.gpt.ge/v1', 'https://api.gpt.ge', true],
		['https://api.gpt.ge/v1/', 'https://api.gpt.ge', true],
		[' https://api.gpt.ge/v1/ ', 'https://api.gpt.ge', true],
		['https://api.gpt.ge/V1', 'https://api.gpt.ge', true],
		['https://api.gpt.ge//v1//', 'https://api.gpt.ge', true],
		// A reseller's API under a path keeps its path.
		['https://reseller.example/gptge/v1', 'https://reseller.example/gptge', true],
		['https://reseller.example/gptge', 'https://reseller.example/gptge', false],
		// Only a whole trailing /v1 after the host: not a host called v1, not /v10 or /v1/chat.
		['https://v1', 'https://v1', false],
		['https://api.gpt.ge/v10', 'https://api.gpt.ge/v10', false],
		['https://api.gpt.ge/v1/chat', 'https://api.gpt.ge/v1/chat', false],
		// Not a web address: left for the account's check to refuse by name.
		['api.gpt.ge/v1', 'api.gpt.ge/v1', false],
		['', '', false],
	])('%j → %j (stripped /v1: %s)', (baseUrl, root, strippedV1) => {
		expect(apiRootOf(baseUrl)).toStrictEqual({ root, strippedV1 });
	});
});
